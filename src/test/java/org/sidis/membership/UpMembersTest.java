package org.sidis.membership;

import akka.actor.Address;
import akka.cluster.UniqueAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Up members a node counts from its membership events, one event at a time (issue 17: read
 * from {@code cluster.state()}, which lags the events, n1 reported 0, 1, 1 members up and never 3,
 * and the launcher never started its nemesis).
 */
class UpMembersTest {

  private static UniqueAddress at(int port, long uid) {
    return new UniqueAddress(new Address("akka", "sidis", "198.18.0.1", port), uid);
  }

  @Test
  void threeMembersUpOneEventEachCountThree() {
    UpMembers up = UpMembers.NONE.with(at(2551, 1), true).with(at(2552, 2), true).with(at(2553, 3), true);
    assertEquals(3, up.count());
  }

  @Test
  void aMemberUpTwiceCountsOnceAndOneThatLeavesOrIsRemovedNoLonger() {
    UpMembers up = UpMembers.NONE.with(at(2551, 1), true).with(at(2551, 1), true).with(at(2552, 2), true);
    assertEquals(2, up.count());
    assertEquals(1, up.with(at(2552, 2), false).count());
    assertEquals(2, up.with(at(2553, 3), false).count(), "a member never up that leaves changes nothing");
  }

  @Test
  void aRestartedNodeOnTheSameAddressIsANewMember() {
    UpMembers up = UpMembers.NONE.with(at(2553, 3), true);
    // The new incarnation comes up before the old one's removal is seen: two members, then one.
    UpMembers both = up.with(at(2553, 33), true);
    assertEquals(2, both.count());
    assertEquals(1, both.with(at(2553, 3), false).count());
  }

  @Test
  void aValueIsNeverChangedByWhatIsMadeFromIt() {
    UpMembers one = UpMembers.NONE.with(at(2551, 1), true);
    one.with(at(2552, 2), true);
    one.with(at(2551, 1), false);
    assertEquals(1, one.count());
    assertEquals(0, UpMembers.NONE.count());
  }
}
