package org.sidis.stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One end of a stream, read once from {@code sidis.stream} (conf/reference.conf documents each setting). */
public record StreamSettings(
    Role role,
    long id,
    InetSocketAddress sink,
    Map<Flow, Long> frames,
    Map<Flow, Integer> frameBytes,
    Map<Flow, Interleaver> interleavers,
    boolean retransmit,
    long rateBytesPerSec,
    long burstBytes,
    long repairBudgetUs,
    double jitterFactor,
    long maxPlayoutDelayUs,
    long lossSlackUs,
    long playoutMarginUs,
    double onTimeTarget,
    QosContract contract,
    Admission.Link link) {

  public enum Role { SOURCE, SINK }

  /** How deep each flow's packets are interleaved when interleaving is on. */
  static final Map<Flow, Integer> DEPTH = Map.of(Flow.AUDIO, 4, Flow.VIDEO, 2);

  public static StreamSettings fromConfig(Config s) {
    try {
      Role role = switch (s.getString("role").trim().toLowerCase(Locale.ROOT)) {
        case "source" -> Role.SOURCE;
        case "sink" -> Role.SINK;
        default -> throw new IllegalArgumentException("sidis.stream.role must be source or sink, got [" + s.getString("role") + "]");
      };
      long lengthUs = s.getDuration("length").toNanos() / 1000;
      int perPacket = s.getInt("frames-per-packet");
      boolean interleave = s.getBoolean("interleave");
      Map<Flow, Long> frames = new EnumMap<>(Flow.class);
      Map<Flow, Integer> bytes = new EnumMap<>(Flow.class);
      Map<Flow, Interleaver> il = new EnumMap<>(Flow.class);
      List<String> flows = s.getStringList("flows");
      if (flows.isEmpty()) throw new IllegalArgumentException("sidis.stream.flows must name audio, video or both");
      for (String name : flows) {
        Flow f;
        try {
          f = Flow.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sidis.stream.flows: unknown flow [" + name + "]; flows are audio and video");
        }
        long n = lengthUs / f.periodUs();
        if (n < 1) throw new IllegalArgumentException("sidis.stream.length is shorter than one " + f.traceName() + " frame");
        frames.put(f, n);
        bytes.put(f, (int) s.getBytes(f.traceName() + "-frame-bytes").longValue());
        il.put(f, interleave ? new Interleaver(perPacket, DEPTH.get(f)) : Interleaver.none(perPacket));
      }
      return new StreamSettings(role, s.getLong("id"), new InetSocketAddress(s.getString("sink-host"), s.getInt("sink-port")),
          frames, bytes, il, s.getBoolean("retransmit"), s.getBytes("rate"), s.getBytes("burst"),
          micros(s.getDuration("repair-budget")), s.getDouble("jitter-factor"), micros(s.getDuration("max-playout-delay")),
          micros(s.getDuration("loss-slack")), micros(s.getDuration("playout-margin")), onTimeTarget(s), QosContract.fromConfig(s.getConfig("contract")),
          new Admission.Link(s.getLong("link.capacity"), micros(s.getDuration("link.delay")), micros(s.getDuration("link.jitter")),
              micros(s.getDuration("link.setup-rtt"))));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("sidis.stream: " + e.getMessage(), e);
    }
  }

  private static double onTimeTarget(Config s) {
    double t = s.getDouble("on-time-target");
    if (!(t > 0 && t <= 1)) throw new IllegalArgumentException("sidis.stream.on-time-target must be in (0, 1], got [" + t + "]");
    return t;
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }

  /** Per flow, the longest a frame waits at the source for its interleaving block. */
  public Map<Flow, Long> holdUs() {
    Map<Flow, Long> h = new EnumMap<>(Flow.class);
    interleavers.forEach((f, i) -> h.put(f, i.spanFrames() * f.periodUs()));
    return h;
  }

  /** What the sink buffers beyond the path's jitter: the longest hold plus its own buffering (repair budget, margin). */
  public long bufferingUs() {
    return holdUs().values().stream().mapToLong(Long::longValue).max().orElse(0) + sinkBufferingUs();
  }

  public StreamSink.Settings sinkSettings() {
    return sinkSettings(frames, holdUs());
  }

  /**
   * What the sink buffers beyond the path's jitter and the source's hold: the repair budget when
   * it retransmits, and the playout margin — a frame leaves the source up to one production tick
   * after its pts, and both ends' timers run a little late; without it a stream over a perfect path
   * played 83.6 % on time (bench stream --quick, plain datagram, 0 % loss, 0 ms jitter: 37 late).
   */
  public long sinkBufferingUs() {
    return (retransmit ? repairBudgetUs : 0) + playoutMarginUs;
  }

  /**
   * The sink of a stream of {@code streamFrames} whose source holds frames {@code streamHoldUs}
   * (what the offer said at setup). The contract's mode decides the buffer: isochronous plays at
   * {@code hold + repair budget + k·J}; synchronous keeps a frame's deadline at the contract's
   * maximum delay beyond the link's own; asynchronous waits for stragglers up to the longest
   * playout delay and no more, since the stream must end.
   */
  public StreamSink.Settings sinkSettings(Map<Flow, Long> streamFrames, Map<Flow, Long> streamHoldUs) {
    long hold = streamHoldUs.values().stream().mapToLong(Long::longValue).max().orElse(0);
    JitterBuffer.Settings buffer = switch (contract.mode()) {
      case ISOCHRONOUS -> new JitterBuffer.Settings(hold + sinkBufferingUs(), jitterFactor, 0, maxPlayoutDelayUs);
      case SYNC -> {
        long bound = Math.max(0, contract.maxDelayUs() - link.delayUs());
        yield new JitterBuffer.Settings(bound, 0, 0, bound);
      }
      case ASYNC -> new JitterBuffer.Settings(maxPlayoutDelayUs, 0, 0, maxPlayoutDelayUs);
    };
    return new StreamSink.Settings(id, sink, streamFrames, streamHoldUs, buffer,
        retransmit ? new RetransmitPolicy(true, 40_000, 5_000) : RetransmitPolicy.off(), lossSlackUs, Duration.ofMillis(10), contract.mode());
  }

  public StreamSource.Settings sourceSettings() {
    return new StreamSource.Settings(id, sink, frames, frameBytes, interleavers, rateBytesPerSec, burstBytes, Duration.ofMillis(5), Duration.ofSeconds(3));
  }
}
