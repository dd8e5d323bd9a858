package org.sidis.net;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkModelTest {

  private static List<NetworkModel.Fate> fates(NetworkModel m, String from, String to, int n) {
    List<NetworkModel.Fate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(m.fate(from, to));
    return out;
  }

  @Test
  void oneSeedGivesTheSameFatesEveryTime() {
    NetworkModel.Link link = new NetworkModel.Link(10, 50, 0.1, 0.1);
    NetworkModel a = new NetworkModel(link, Map.of(), Partitions.none(), new Random(7));
    NetworkModel b = new NetworkModel(link, Map.of(), Partitions.none(), new Random(7));
    assertEquals(fates(a, "n1", "n2", 200), fates(b, "n1", "n2", 200));
  }

  @Test
  void losesAndDuplicatesAboutTheShareItIsToldAndDelaysWithinTheRange() {
    NetworkModel m = new NetworkModel(new NetworkModel.Link(10, 50, 0.2, 0.1), Map.of(), Partitions.none(), new Random(1));
    int lost = 0, twice = 0, n = 20_000;
    for (NetworkModel.Fate f : fates(m, "n1", "n2", n)) {
      if (f instanceof NetworkModel.Lose) lost++;
      else if (f instanceof NetworkModel.Duplicate d) {
        twice++;
        assertTrue(d.secondDelayMillis() >= 10 && d.secondDelayMillis() <= 50, d.toString());
      } else {
        long delay = ((NetworkModel.Deliver) f).delayMillis();
        assertTrue(delay >= 10 && delay <= 50, "delay " + delay);
      }
    }
    assertEquals(0.2, lost / (double) n, 0.015);
    assertEquals(0.1 * 0.8, twice / (double) n, 0.015);
  }

  @Test
  void losesControlMessagesAboutTheShareItIsToldAndNoneByDefault() {
    NetworkModel m = NetworkModel.fromConfig(ConfigFactory.parseString("delay-max = 20ms, loss = 0.0, control-loss = 0.25"), 3);
    int lost = 0, n = 20_000;
    for (int i = 0; i < n; i++) if (m.fateOfControl() instanceof NetworkModel.Lose) lost++;
    assertTrue(Math.abs(lost - n / 4) < n / 50, "control messages lost: " + lost + " of " + n);
    assertFalse(m.isPerfect());
    assertEquals(0.25, m.forNode(9).controlLoss());
    NetworkModel none = NetworkModel.fromConfig(ConfigFactory.parseString("loss = 0.5"), 3);
    for (int i = 0; i < 1000; i++) assertInstanceOf(NetworkModel.Deliver.class, none.fateOfControl(), "data loss is not control loss");
    assertThrows(IllegalArgumentException.class,
        () -> NetworkModel.fromConfig(ConfigFactory.parseString("control-loss = 1.0"), 3));
  }

  @Test
  void aLinkSetApartHasItsOwnLatencyInOneDirectionOnly() {
    NetworkModel m = new NetworkModel(NetworkModel.Link.latency(5),
        Map.of(NetworkModel.linkKey("n1", "n2"), NetworkModel.Link.latency(100)), Partitions.none(), new Random(1));
    assertEquals(new NetworkModel.Deliver(100), m.fate("n1", "n2"));
    assertEquals(new NetworkModel.Deliver(5), m.fate("n2", "n1"));
    assertEquals(new NetworkModel.Deliver(5), m.fate("n1", "n3"));
  }

  @Test
  void nodesOnDifferentSidesOfAPartitionCannotTalkUntilItHeals() {
    Partitions p = Partitions.none();
    NetworkModel n1 = new NetworkModel(NetworkModel.Link.PERFECT, Map.of(), p, new Random(1));
    NetworkModel n4 = n1.forNode(2);
    p.isolate(Set.of("n1", "n2"));
    assertInstanceOf(NetworkModel.Cut.class, n1.fate("n3", "n1"));
    assertInstanceOf(NetworkModel.Cut.class, n4.fate("n1", "n4"), "nodes of one run share the partitions");
    assertInstanceOf(NetworkModel.Deliver.class, n1.fate("n2", "n1"));
    assertInstanceOf(NetworkModel.Deliver.class, n4.fate("n3", "n4"), "the rest is one side");
    assertFalse(n1.isPerfect());
    p.heal();
    assertInstanceOf(NetworkModel.Deliver.class, n1.fate("n3", "n1"));
    assertTrue(n1.isPerfect());
    assertThrows(IllegalArgumentException.class, () -> p.cut(List.of(List.of("n1"), List.of("n1", "n2"))));
  }

  @Test
  void readsLinksAndPartitionsFromConfig() {
    NetworkModel m = NetworkModel.fromConfig(ConfigFactory.parseString("""
        delay-min = 1ms, delay-max = 1ms, loss = 0.0, duplicate = 0.0
        links = [{ from = n1, to = n2, delay-min = 100ms, delay-max = 100ms, both-ways = on }]
        partitions = [[n5]]
        """), 1);
    assertEquals(new NetworkModel.Deliver(100), m.fate("n2", "n1"));
    assertEquals(new NetworkModel.Deliver(1), m.fate("n2", "n3"));
    assertInstanceOf(NetworkModel.Cut.class, m.fate("n5", "n1"));
    // The multicast members' calls keep their meaning: the default link, no partition.
    assertEquals(new NetworkModel.Deliver(1), m.fateOfDelayed());
  }
}
