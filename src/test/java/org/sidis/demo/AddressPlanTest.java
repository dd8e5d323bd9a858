package org.sidis.demo;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The netns hosts' address plan: 198.18.0.0/15 only, names Linux accepts, leftovers recognised by pid. */
class AddressPlanTest {

  @Test
  void placesNodeIAtDotIAndTheBridgeAtDot254OfItsSubnet() {
    AddressPlan plan = new AddressPlan(0, "4242a");
    assertEquals("198.18.0.254", plan.bridgeAddress());
    assertEquals("198.18.0.1", plan.address("n1"));
    assertEquals("198.18.0.253", plan.address("n253"));
    AddressPlan high = new AddressPlan(257, "4242a");
    assertEquals("198.19.1.7", high.address("n7"), "subnet 257 is the second /24 of 198.19.0.0/16");
  }

  @Test
  void everyAddressOfEverySubnetLiesIn198_18_0_0Slash15() {
    for (int subnet = 0; subnet < 512; subnet++) {
      AddressPlan plan = new AddressPlan(subnet, "1a");
      for (String a : List.of(plan.bridgeAddress(), plan.address("n1"), plan.address("n253"))) {
        String[] o = a.split("\\.");
        int second = Integer.parseInt(o[1]);
        assertTrue(o[0].equals("198") && (second == 18 || second == 19), "subnet " + subnet + " gave " + a);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new AddressPlan(512, "1a"), "past 198.19.255.0/24");
    assertThrows(IllegalArgumentException.class, () -> new AddressPlan(-1, "1a"));
  }

  @Test
  void refusesNodesItCannotPlace() {
    AddressPlan plan = new AddressPlan(0, "1a");
    assertEquals("netns hosts place nodes named n1..n253, got [n254]",
        assertThrows(IllegalArgumentException.class, () -> plan.address("n254")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> plan.address("n0"));
    assertThrows(IllegalArgumentException.class, () -> plan.address("db"));
  }

  @Test
  void linkNamesFitLinuxsFifteenCharactersForTheLongestPidAndNode() {
    AddressPlan plan = new AddressPlan(0, AddressPlan.tag(4_194_304L, 25));
    assertEquals("sv4194304zh253", plan.hostVeth("n253"));
    for (String name : List.of(plan.bridge(), plan.hostVeth("n253"), plan.peerVeth("n253"))) {
      assertTrue(name.length() <= 15, name + " is " + name.length() + " characters");
    }
    assertEquals("sidis-4194304z-n253", plan.namespace("n253"));
  }

  @Test
  void picksTheLowestSubnetNoInterfaceUses() {
    assertEquals(Optional.of(0), AddressPlan.freeSubnet(List.of("127.0.0.1/8", "10.0.0.5/24")));
    assertEquals(Optional.of(2), AddressPlan.freeSubnet(List.of("198.18.0.254/24", "198.18.1.3/24", "not an address")));
    assertEquals(Optional.of(256), AddressPlan.freeSubnet(java.util.stream.IntStream.range(0, 256)
        .mapToObj(i -> "198.18." + i + ".254/24").toList()));
    assertEquals(Optional.empty(), AddressPlan.freeSubnet(java.util.stream.IntStream.range(0, 512)
        .mapToObj(i -> "198." + (18 + i / 256) + "." + (i % 256) + ".9/24").toList()));
  }

  @Test
  void recognisesItsOwnNamesAndTheirLauncherButNoOneElses() {
    AddressPlan plan = new AddressPlan(3, "777b");
    assertEquals(Optional.of(777L), AddressPlan.ownerOfNamespace(plan.namespace("n2")));
    assertEquals(Optional.of(777L), AddressPlan.ownerOfLink(plan.bridge()));
    assertEquals(Optional.of(777L), AddressPlan.ownerOfLink(plan.hostVeth("n2")));
    assertEquals(Optional.of(777L), AddressPlan.ownerOfLink(plan.peerVeth("n12")));
    // Negative controls: names that merely look alike are not ours and are never removed.
    for (String other : List.of("eth0", "lo", "svc", "sb", "sbr0", "sv12", "veth1234", "docker0", "sv777bx1")) {
      assertEquals(Optional.empty(), AddressPlan.ownerOfLink(other), other);
    }
    for (String other : List.of("sidis", "sidis-x-n1", "blue", "sidis-12-n1")) {
      assertEquals(Optional.empty(), AddressPlan.ownerOfNamespace(other), other);
    }
  }
}
