package org.sidis.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Which fault the nemesis injects next, drawn from a seed so that a run can be repeated: a
 * value, no clock and no processes (the {@link Nemesis} carries faults out and times them).
 *
 * <p>Partitions go round four shapes, as Jepsen's nemeses do (Kingsbury, "Jepsen: partitions"):
 * the primary node alone (the sequencer of total order, the queue manager or event log of the
 * queue and log demos: {@code n1}), the nodes split in two halves, a bridge (two sides that
 * both still see one node but not each other — with three nodes the majority of each side's
 * view differs), then a random node alone. Pauses (SIGSTOP, then SIGCONT: a long GC pause) and
 * kills (SIGKILL, then a restart under the same name) strike the primary first, then a node the
 * seed picks.
 */
public final class FaultSchedule {

  public enum Mode {
    PARTITION, PAUSE, KILL, MIX;

    public static Mode parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--nemesis must be partition, pause, kill or mix, got [" + s + "]");
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Kind {
    PARTITION, PAUSE, KILL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Shape {
    ISOLATE_PRIMARY, HALVES, BRIDGE, ISOLATE;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One fault: {@code kind}, the {@code nodes} it strikes (for a partition, all nodes on either
   * side and the bridge) and, for a partition, its {@code shape} and the two {@code sides}
   * between which every packet is dropped.
   */
  public record Fault(Kind kind, Shape shape, List<String> nodes, List<List<String>> sides) {
    public Fault {
      nodes = List.copyOf(nodes);
      sides = sides.stream().map(List::copyOf).toList();
    }

    public String describe() {
      return switch (kind) {
        case PARTITION -> "partition (" + shape.label() + "): " + sides.get(0) + " | " + sides.get(1)
            + (shape == Shape.BRIDGE ? ", both still see " + bridgeNodes() : "");
        case PAUSE -> "pause " + nodes.get(0) + " (SIGSTOP)";
        case KILL -> "kill " + nodes.get(0) + " (SIGKILL)";
      };
    }

    /** The nodes a bridge partition leaves on neither side. */
    public List<String> bridgeNodes() {
      List<String> rest = new ArrayList<>(nodes);
      sides.forEach(rest::removeAll);
      return rest;
    }
  }

  private final Mode mode;
  private final List<String> nodes;
  private final String primary;
  private final boolean partitions;
  private final Random random;
  private int partitionsMade;
  /** The kinds of fault already made once (PAUSE, KILL): the first of each strikes the primary. */
  private final EnumSet<Kind> struck = EnumSet.noneOf(Kind.class);

  /**
   * @param nodes      the nodes in the run, in start order (at least one)
   * @param primary    the node whose loss matters most (n1 in every demo), isolated, paused and killed first
   * @param partitions whether the hosts can be partitioned; {@code mix} leaves partitions out
   *                   when they cannot, {@code partition} is refused
   */
  public FaultSchedule(long seed, Mode mode, List<String> nodes, String primary, boolean partitions) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("a fault schedule needs at least one node");
    if (mode == Mode.PARTITION && !partitions) {
      throw new IllegalArgumentException("--nemesis partition needs hosts that can be partitioned: --hosts netns");
    }
    if (mode == Mode.PARTITION && nodes.size() < 2) throw new IllegalArgumentException("a partition needs at least 2 nodes");
    this.mode = mode;
    this.nodes = List.copyOf(nodes);
    this.primary = nodes.contains(primary) ? primary : nodes.get(0);
    this.partitions = partitions && nodes.size() >= 2;
    this.random = new Random(seed);
  }

  public Fault next() {
    Kind kind = switch (mode) {
      case PARTITION -> Kind.PARTITION;
      case PAUSE -> Kind.PAUSE;
      case KILL -> Kind.KILL;
      case MIX -> {
        List<Kind> kinds = partitions ? List.of(Kind.PARTITION, Kind.PAUSE, Kind.KILL) : List.of(Kind.PAUSE, Kind.KILL);
        yield kinds.get(random.nextInt(kinds.size()));
      }
    };
    return switch (kind) {
      case PARTITION -> partition();
      case PAUSE, KILL -> new Fault(kind, null, List.of(target(kind)), List.of());
    };
  }

  /**
   * The first pause and the first kill strike the primary, as the first partition isolates it: a
   * run with one fault (a row of the fault matrix) must test the role whose loss matters; later
   * ones strike a node the seed picks.
   */
  private String target(Kind kind) {
    String drawn = nodes.get(random.nextInt(nodes.size())); // drawn always, so the seed's sequence stays one
    return struck.add(kind) ? primary : drawn;
  }

  private Fault partition() {
    Shape[] cycle = Shape.values();
    Shape shape = cycle[partitionsMade++ % cycle.length];
    if (shape == Shape.BRIDGE && nodes.size() < 3) shape = Shape.HALVES; // a bridge needs two sides and a node between
    List<String> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, random);
    return switch (shape) {
      case ISOLATE_PRIMARY -> isolate(shape, primary);
      case ISOLATE -> isolate(shape, shuffled.get(0));
      case HALVES -> {
        int half = shuffled.size() / 2;
        yield new Fault(Kind.PARTITION, shape, nodes, List.of(sorted(shuffled.subList(0, half)), sorted(shuffled.subList(half, shuffled.size()))));
      }
      case BRIDGE -> {
        String bridge = shuffled.get(0);
        List<String> rest = shuffled.subList(1, shuffled.size());
        int half = (rest.size() + 1) / 2;
        yield new Fault(Kind.PARTITION, shape, nodes, List.of(sorted(rest.subList(0, half)), sorted(rest.subList(half, rest.size()))));
      }
    };
  }

  private Fault isolate(Shape shape, String node) {
    List<String> rest = new ArrayList<>(nodes);
    rest.remove(node);
    return new Fault(Kind.PARTITION, shape, nodes, List.of(List.of(node), rest));
  }

  /** In the run's node order, so a fault reads the same whichever way the seed shuffled. */
  private List<String> sorted(List<String> some) {
    return nodes.stream().filter(some::contains).toList();
  }
}
