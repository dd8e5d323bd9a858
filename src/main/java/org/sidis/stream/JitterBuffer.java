package org.sidis.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sink's playout buffer for isochronous delivery (seed notes: a maximum <em>and</em> a
 * minimum delay): frames wait here, keyed by flow and number, until their playout time
 * {@code pts + offset + delay}, and are then played on that fixed clock — or missed, when they
 * are not here by then. {@code offset} is the smallest transit seen ({@code arrival − sent} of a
 * packet, or {@code arrival − pts} of a frame), which maps the stream's clock onto ours (the
 * clocks' difference plus the path's shortest transit);
 * {@code delay = base + k·J} (clamped to [min, max]) where J is the RFC 3550 interarrival
 * jitter ({@link JitterEstimator}) of the packets that carried the frames. So the buffer is
 * sized from the measured jitter and adapts when it changes, as WebRTC's NetEQ and GStreamer's
 * rtpjitterbuffer size theirs; {@code base} covers what is not jitter: the time to repair a loss
 * by retransmission and the source's interleaving block.
 *
 * <p>All flows of a stream share one offset and one delay, so audio and video frames of the same
 * pts fall due at the same instant: lip sync comes from the shared clock, not from correcting
 * one flow against the other. A frame that arrives after its playout time, or after its number
 * was passed, is late: counted, never played. Every frame number falls due exactly once, so
 * {@code played + missed} is the number of frames due. Immutable: each input returns a new buffer.
 */
public final class JitterBuffer {

  /**
   * @param baseDelayUs  playout delay besides jitter: repair time and interleaving span
   * @param jitterFactor k in {@code base + k·J}
   */
  public record Settings(long baseDelayUs, double jitterFactor, long minDelayUs, long maxDelayUs) {
    public Settings {
      if (baseDelayUs < 0) throw new IllegalArgumentException("base playout delay must not be negative, got [" + baseDelayUs + "]");
      if (jitterFactor < 0 || Double.isNaN(jitterFactor)) throw new IllegalArgumentException("jitter factor must not be negative, got [" + jitterFactor + "]");
      if (minDelayUs < 0 || maxDelayUs < minDelayUs)
        throw new IllegalArgumentException("playout delay bounds must satisfy 0 <= min <= max, got [" + minDelayUs + ", " + maxDelayUs + "]");
    }
  }

  /** A frame as the buffer keeps it: identity, presentation time on the stream's clock, size. */
  public record Frame(FrameId id, long ptsUs, int bytes) {
    public Frame {
      if (id == null) throw new IllegalArgumentException("a frame needs an id");
      if (bytes < 0) throw new IllegalArgumentException("frame size must not be negative");
    }

    public static Frame of(Flow flow, long number, int bytes) {
      FrameId id = new FrameId(flow, number);
      return new Frame(id, id.ptsUs(), bytes);
    }
  }

  /** What became of an arriving frame. */
  public enum Insert { BUFFERED, LATE, DUPLICATE }

  public record Inserted(Insert outcome, JitterBuffer buffer) {}

  /** A frame played at its playout time {@code dueUs} (our clock). */
  public record Played(Frame frame, long dueUs) {}

  /** A frame number that fell due with no frame to play. */
  public record Missed(FrameId id, long dueUs) {}

  /** What fell due by a given time, in playout order, and the buffer after. */
  public record Release(List<Played> played, List<Missed> missed, JitterBuffer buffer) {}

  /** Running totals: frames buffered, played, missed (never played), late (arrived too late), duplicates. */
  public record Counts(long buffered, long played, long missed, long late, long duplicates) {
    static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

    Counts plus(long b, long p, long m, long l, long d) {
      return new Counts(buffered + b, played + p, missed + m, late + l, duplicates + d);
    }

    /** Played over due; 1 when nothing fell due yet. */
    public double onTimeRatio() {
      long due = played + missed;
      return due == 0 ? 1.0 : (double) played / due;
    }
  }

  private static final long NO_OFFSET = Long.MIN_VALUE;

  private final Settings settings;
  private final JitterEstimator jitter;
  private final long offsetUs;
  private final TreeMap<FrameId, Frame> frames;
  private final Map<Flow, Long> nextToPlay;
  private final Map<Flow, Long> highest;
  private final Map<Flow, Long> last;
  private final Set<FrameId> missed;
  private final Counts counts;

  private JitterBuffer(Settings settings, JitterEstimator jitter, long offsetUs, TreeMap<FrameId, Frame> frames,
      Map<Flow, Long> nextToPlay, Map<Flow, Long> highest, Map<Flow, Long> last, Set<FrameId> missed, Counts counts) {
    this.settings = settings;
    this.jitter = jitter;
    this.offsetUs = offsetUs;
    this.frames = frames;
    this.nextToPlay = nextToPlay;
    this.highest = highest;
    this.last = last;
    this.missed = missed;
    this.counts = counts;
  }

  public static JitterBuffer create(Settings settings) {
    return new JitterBuffer(settings, JitterEstimator.EMPTY, NO_OFFSET, new TreeMap<>(), new EnumMap<>(Flow.class),
        new EnumMap<>(Flow.class), new EnumMap<>(Flow.class), Set.of(), Counts.ZERO);
  }

  /**
   * The buffer after a packet sent at {@code sentUs} — on the stream's clock, where frame pts live —
   * arrived at {@code arrivalUs}: the jitter it measures, and the path's shortest transit so far.
   * A packet's transit, unlike a frame's {@code arrival − pts}, does not include how long the frame
   * waited at the source for its interleaving block, so the offset is the path's alone.
   */
  public JitterBuffer observeTransit(long sentUs, long arrivalUs) {
    long transit = arrivalUs - sentUs;
    long offset = offsetUs == NO_OFFSET ? transit : Math.min(offsetUs, transit);
    return new JitterBuffer(settings, jitter.observe(sentUs, arrivalUs), offset, frames, nextToPlay, highest, last, missed, counts);
  }

  /** Frames of {@code flow} end with number {@code lastNumber}: the numbers up to it fall due even when the last ones never arrive. */
  public JitterBuffer endsAt(Flow flow, long lastNumber) {
    Map<Flow, Long> l = new EnumMap<>(Flow.class);
    l.putAll(last);
    l.put(flow, lastNumber);
    return new JitterBuffer(settings, jitter, offsetUs, frames, nextToPlay, highest, l, missed, counts);
  }

  /** The frame {@code f} arrived at {@code arrivalUs} (our clock). */
  public Inserted insert(Frame f, long arrivalUs) {
    long offset = offsetUs == NO_OFFSET ? arrivalUs - f.ptsUs() : Math.min(offsetUs, arrivalUs - f.ptsUs());
    FrameId id = f.id();
    boolean passed = id.number() < nextToPlay.getOrDefault(id.flow(), 0L);
    if (passed && missed.contains(id)) return new Inserted(Insert.LATE, with(offset, frames, highest, counts.plus(0, 0, 0, 1, 0)));
    if (passed || frames.containsKey(id)) return new Inserted(Insert.DUPLICATE, with(offset, frames, highest, counts.plus(0, 0, 0, 0, 1)));
    Map<Flow, Long> h = highest;
    if (id.number() > highest.getOrDefault(id.flow(), -1L)) {
      h = new EnumMap<>(Flow.class);
      h.putAll(highest);
      h.put(id.flow(), id.number());
    }
    JitterBuffer probe = with(offset, frames, h, counts);
    if (arrivalUs > probe.dueUs(f.ptsUs())) return new Inserted(Insert.LATE, with(offset, frames, h, counts.plus(0, 0, 0, 1, 0)));
    TreeMap<FrameId, Frame> fs = new TreeMap<>(frames);
    fs.put(id, f);
    return new Inserted(Insert.BUFFERED, with(offset, fs, h, counts.plus(1, 0, 0, 0, 0)));
  }

  /** Plays or misses, in playout order, every frame number due at or before {@code nowUs}. */
  public Release release(long nowUs) {
    if (offsetUs == NO_OFFSET) return new Release(List.of(), List.of(), this);
    List<Played> played = new ArrayList<>();
    List<Missed> miss = new ArrayList<>();
    Map<Flow, Long> next = new EnumMap<>(Flow.class);
    next.putAll(nextToPlay);
    TreeMap<FrameId, Frame> fs = null;
    Set<FrameId> ms = null;
    while (true) {
      Flow flow = null;
      long due = Long.MAX_VALUE;
      for (Flow f : Flow.values()) {
        long n = next.getOrDefault(f, 0L);
        if (n > limit(f)) continue;
        long d = dueUs(f.ptsOf(n));
        if (d <= nowUs && d < due) {
          due = d;
          flow = f;
        }
      }
      if (flow == null) break;
      FrameId id = new FrameId(flow, next.getOrDefault(flow, 0L));
      Frame frame = (fs == null ? frames : fs).get(id);
      if (frame != null) {
        if (fs == null) fs = new TreeMap<>(frames);
        fs.remove(id);
        played.add(new Played(frame, due));
      } else {
        if (ms == null) ms = new HashSet<>(missed);
        ms.add(id);
        miss.add(new Missed(id, due));
      }
      next.put(flow, id.number() + 1);
    }
    if (played.isEmpty() && miss.isEmpty()) return new Release(List.of(), List.of(), this);
    JitterBuffer after = new JitterBuffer(settings, jitter, offsetUs, fs == null ? frames : fs, next, highest, last,
        ms == null ? missed : Collections.unmodifiableSet(ms), counts.plus(0, played.size(), miss.size(), 0, 0));
    return new Release(List.copyOf(played), List.copyOf(miss), after);
  }

  /** When the next frame number falls due (our clock); empty when none is known to be pending. */
  public OptionalLong nextDueUs() {
    if (offsetUs == NO_OFFSET) return OptionalLong.empty();
    long best = Long.MAX_VALUE;
    for (Flow f : Flow.values()) {
      long n = nextToPlay.getOrDefault(f, 0L);
      if (n <= limit(f)) best = Math.min(best, dueUs(f.ptsOf(n)));
    }
    return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
  }

  /** Playout time (our clock) of a frame with presentation time {@code ptsUs}; MAX_VALUE before the first frame. */
  public long dueUs(long ptsUs) {
    return offsetUs == NO_OFFSET ? Long.MAX_VALUE : ptsUs + offsetUs + delayUs();
  }

  /** The playout delay now: base + k·J, within [min, max]. */
  public long delayUs() {
    long d = settings.baseDelayUs() + Math.round(settings.jitterFactor() * jitter.jitter());
    return Math.max(settings.minDelayUs(), Math.min(settings.maxDelayUs(), d));
  }

  /** Whether every flow given an end has played or missed its last frame. */
  public boolean finished() {
    if (last.isEmpty()) return false;
    for (Map.Entry<Flow, Long> e : last.entrySet())
      if (nextToPlay.getOrDefault(e.getKey(), 0L) <= e.getValue()) return false;
    return true;
  }

  /** Whether {@code id} is still to be played and not here: a candidate for retransmission. */
  public boolean awaits(FrameId id) {
    return id.number() >= nextToPlay.getOrDefault(id.flow(), 0L) && !frames.containsKey(id);
  }

  /** The next frame number of {@code flow} to fall due. */
  public long nextToPlay(Flow flow) {
    return nextToPlay.getOrDefault(flow, 0L);
  }

  /** The highest frame number of {@code flow} that arrived, −1 before any. */
  public long highest(Flow flow) {
    return highest.getOrDefault(flow, -1L);
  }

  /** The smallest {@code arrival − pts} seen: the stream's clock on ours; empty before the first frame. */
  public OptionalLong offsetUs() {
    return offsetUs == NO_OFFSET ? OptionalLong.empty() : OptionalLong.of(offsetUs);
  }

  public long jitterUs() {
    return jitter.jitterUs();
  }

  public Counts counts() {
    return counts;
  }

  public int size() {
    return frames.size();
  }

  public Settings settings() {
    return settings;
  }

  private long limit(Flow f) {
    Long end = last.get(f);
    return end != null ? end : highest.getOrDefault(f, -1L);
  }

  private JitterBuffer with(long offset, TreeMap<FrameId, Frame> fs, Map<Flow, Long> h, Counts c) {
    return new JitterBuffer(settings, jitter, offset, fs, nextToPlay, h, last, missed, c);
  }

  @Override
  public String toString() {
    return "JitterBuffer[" + frames.size() + " frames, delay=" + delayUs() + "us, J=" + jitter.jitterUs() + "us, " + counts + "]";
  }
}
