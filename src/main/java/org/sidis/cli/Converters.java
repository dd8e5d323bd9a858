package org.sidis.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.sidis.gossip.Mode;
import org.sidis.gossip.Overlay;
import org.sidis.multicast.Order;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * Options parsed once, at the command line, into the type the code uses — a word such as
 * {@code causal} becomes {@link Order#CAUSAL} here and travels as that value (or as the one
 * config key that names it), never as a string that someone parses again. Each converter uses
 * the room's own parser, so the command line and the config files accept the same words; each
 * candidates list feeds {@code --help} and the completion script.
 */
final class Converters {

  private Converters() {}

  private static <T> T converted(String text, Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** {@code fifo | causal | total} → {@link Order}. */
  static final class MulticastOrder implements ITypeConverter<Order> {
    @Override
    public Order convert(String text) {
      return converted(text, Order::parse);
    }
  }

  static final class MulticastOrders extends ArrayList<String> {
    MulticastOrders() {
      super(Arrays.stream(Order.values()).map(Order::id).toList());
    }
  }

  /** {@code direct | tree | mesh} → the multicast dissemination {@link org.sidis.multicast.Overlay.Topology}. */
  static final class MulticastTopology implements ITypeConverter<org.sidis.multicast.Overlay.Topology> {
    @Override
    public org.sidis.multicast.Overlay.Topology convert(String text) {
      return converted(text, org.sidis.multicast.Overlay.Topology::parse);
    }
  }

  static final class MulticastTopologies extends ArrayList<String> {
    MulticastTopologies() {
      super(Arrays.stream(org.sidis.multicast.Overlay.Topology.values()).map(org.sidis.multicast.Overlay.Topology::id).toList());
    }
  }

  /** {@code load | locality} → the placement policy's {@link org.sidis.migration.Placement.Reason} (demo placement). */
  static final class PlacementPolicy implements ITypeConverter<org.sidis.migration.Placement.Reason> {
    @Override
    public org.sidis.migration.Placement.Reason convert(String text) {
      return converted(text, org.sidis.migration.Placement.Reason::parse);
    }
  }

  static final class PlacementPolicies extends ArrayList<String> {
    PlacementPolicies() {
      super(Arrays.stream(org.sidis.migration.Placement.Reason.values()).map(org.sidis.migration.Placement.Reason::word).toList());
    }
  }

  /** {@code push | pull | push-pull | rumor | flood} → {@link Mode}. */
  static final class GossipMode implements ITypeConverter<Mode> {
    @Override
    public Mode convert(String text) {
      return converted(text, Mode::parse);
    }
  }

  /**
   * {@code demo --mode}: a gossip {@link Mode} (demo gossip) or a {@link org.sidis.migration.MoveMode}
   * (demo migration); the command checks it fits the demo named.
   */
  static final class DemoMode implements ITypeConverter<Object> {
    @Override
    public Object convert(String text) {
      try {
        return Mode.parse(text);
      } catch (IllegalArgumentException notGossip) {
        try {
          return org.sidis.migration.MoveMode.parse(text);
        } catch (IllegalArgumentException notMigration) {
          try {
            return org.sidis.stream.Mode.parse(text);
          } catch (IllegalArgumentException notStream) {
            throw new TypeConversionException(notGossip.getMessage() + " (demo gossip), or pre-copy, stop-and-copy (demo migration),"
                + " or async, sync, isochronous (demo stream)");
          }
        }
      }
    }
  }

  static final class DemoModes extends ArrayList<String> {
    DemoModes() {
      super(java.util.stream.Stream.of(Arrays.stream(Mode.values()).map(Mode::id),
          Arrays.stream(org.sidis.migration.MoveMode.values()).map(org.sidis.migration.MoveMode::word),
          Arrays.stream(org.sidis.stream.Mode.values()).map(org.sidis.stream.Mode::word)).flatMap(x -> x).toList());
    }
  }

  static final class GossipModes extends ArrayList<String> {
    GossipModes() {
      super(Arrays.stream(Mode.values()).map(Mode::id).toList());
    }
  }

  /** {@code mesh | star | random} → the gossip flooding {@link Overlay}. */
  static final class GossipOverlay implements ITypeConverter<Overlay> {
    @Override
    public Overlay convert(String text) {
      return converted(text, Overlay::parse);
    }
  }

  static final class GossipOverlays extends ArrayList<String> {
    GossipOverlays() {
      super(Arrays.stream(Overlay.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  /** A duration as the config files write it ({@code 40ms}, {@code 1s}, {@code 0}) → {@link Duration}, read by HOCON's own rules. */
  static final class HoconDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      try {
        Duration d = ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(text.trim())).getDuration("d");
        if (d.isNegative()) throw new TypeConversionException("[" + text + "] is negative");
        return d;
      } catch (ConfigException e) {
        throw new TypeConversionException("[" + text + "] is not a duration such as 40ms, 1s or 2m");
      }
    }
  }

  /** How a duration is written back for people: whole seconds as {@code 1s}, else milliseconds ({@code 40ms}). */
  static String text(Duration d) {
    return d.toMillis() % 1000 == 0 && !d.isZero() ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
