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
    Admission.Link link,
    Duration setupTimeout) {

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
      long lengthUs = micros(s, "length", 1);
      int perPacket = (int) count(s, "frames-per-packet", 1, Datagram.MAX_FRAMES);
      boolean interleave = s.getBoolean("interleave");
      Map<Flow, Long> frames = new EnumMap<>(Flow.class);
      Map<Flow, Integer> bytes = new EnumMap<>(Flow.class);
      Map<Flow, Interleaver> il = new EnumMap<>(Flow.class);
      List<String> flows = s.getStringList("flows");
      if (flows.isEmpty()) throw new IllegalArgumentException("sidis.stream.flows must name audio, video or both");
      long largestPacket = 0;
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
        String key = f.traceName() + "-frame-bytes";
        int b = (int) bytes(s, key, 1, MAX_DATAGRAM_BYTES);
        bytes.put(f, b);
        long packet = Datagram.HEADER_BYTES + (long) perPacket * (Datagram.FRAME_HEADER_BYTES + b);
        if (packet > MAX_DATAGRAM_BYTES)
          throw new IllegalArgumentException("sidis.stream.frames-per-packet (" + perPacket + ") of sidis.stream." + key + " (" + b + ") make a packet of "
              + packet + " bytes; a UDP datagram carries at most " + MAX_DATAGRAM_BYTES);
        largestPacket = Math.max(largestPacket, packet);
        il.put(f, interleave ? new Interleaver(perPacket, DEPTH.get(f)) : Interleaver.none(perPacket));
      }
      long burst = bytes(s, "burst", 1, Long.MAX_VALUE);
      // the token bucket lets no packet larger than its burst go, ever: the source would stall on its first
      if (burst < largestPacket)
        throw new IllegalArgumentException("sidis.stream.burst (" + burst + " bytes) is smaller than the stream's largest packet (" + largestPacket
            + " bytes), which could then never be sent");
      double jitterFactor = s.getDouble("jitter-factor");
      if (!(jitterFactor >= 0) || Double.isInfinite(jitterFactor))
        throw new IllegalArgumentException("sidis.stream.jitter-factor must be a finite number of at least 0, got [" + jitterFactor + "]");
      return new StreamSettings(role, count(s, "id", 0, Long.MAX_VALUE),
          new InetSocketAddress(s.getString("sink-host"), (int) count(s, "sink-port", 0, 65535)),
          frames, bytes, il, s.getBoolean("retransmit"), bytes(s, "rate", 1, Long.MAX_VALUE), burst,
          micros(s, "repair-budget", 0), jitterFactor, micros(s, "max-playout-delay", 0),
          micros(s, "loss-slack", 0), micros(s, "playout-margin", 0), onTimeTarget(s), QosContract.fromConfig(s.getConfig("contract")),
          new Admission.Link(count(s, "link.capacity", 1, Long.MAX_VALUE), micros(s, "link.delay", 0), micros(s, "link.jitter", 0),
              micros(s, "link.setup-rtt", 0)), Duration.ofNanos(micros(s, "setup-timeout", 1) * 1000));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("sidis.stream: " + e.getMessage(), e);
    }
  }

  private static double onTimeTarget(Config s) {
    double t = s.getDouble("on-time-target");
    if (!(t > 0 && t <= 1)) throw new IllegalArgumentException("sidis.stream.on-time-target must be in (0, 1], got [" + t + "]");
    return t;
  }

  /** The largest UDP payload over IPv4 (65535 less the IP and UDP headers). */
  static final int MAX_DATAGRAM_BYTES = 65_507;

  /** A duration setting in µs, at least {@code minUs}; the error names the setting. */
  private static long micros(Config s, String key, long minUs) {
    long us = s.getDuration(key).toNanos() / 1000;
    if (us < minUs)
      throw new IllegalArgumentException("sidis.stream." + key + " must be " + (minUs == 0 ? "at least 0" : "positive") + ", got [" + s.getValue(key).unwrapped() + "]");
    return us;
  }

  /** A size setting in bytes within [min, max]; the error names the setting (the config library's says only "Invalid value"). */
  private static long bytes(Config s, String key, long min, long max) {
    long v;
    try {
      v = s.getBytes(key);
    } catch (ConfigException.BadValue e) {
      throw new IllegalArgumentException("sidis.stream." + key + " must be a size in bytes of at least " + min + ", got [" + s.getValue(key).unwrapped() + "]", e);
    }
    if (v < min || v > max)
      throw new IllegalArgumentException("sidis.stream." + key + " must be " + (max == Long.MAX_VALUE ? "at least " + min : "within [" + min + ", " + max + "]") + " bytes, got [" + v + "]");
    return v;
  }

  /** A whole-number setting within [min, max]; the error names the setting. */
  private static long count(Config s, String key, long min, long max) {
    long v = s.getLong(key);
    if (v < min || v > max)
      throw new IllegalArgumentException("sidis.stream." + key + " must be " + (max == Long.MAX_VALUE ? "at least " + min : "within [" + min + ", " + max + "]") + ", got [" + v + "]");
    return v;
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
