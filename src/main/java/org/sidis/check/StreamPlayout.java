package org.sidis.check;

import org.sidis.trace.Events;
import org.sidis.wire.MessageId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stream checker: from the source's {@code send} and the sink's {@code play} and {@code miss}
 * lines ({@code proto} {@code stream}, {@code group} the stream id, {@code msg} {@code <flow>:<n>},
 * {@code pts_us}, {@code ts}), per stream:
 * <ul>
 *   <li><b>stream frames accounted</b>: every frame the sink played was sent, and every frame it
 *       played or missed, it played or missed once;</li>
 *   <li><b>stream on time</b>: at least {@link #ON_TIME} of the frames that fell due were played —
 *       promised by an isochronous sink (its plays say {@code mode} isochronous), shown for others;</li>
 *   <li><b>stream lip sync</b>: an audio and a video frame of the same pts were played within
 *       {@link #SKEW_US} of each other (their {@code ts}), the seed notes' synchronized complex
 *       stream — promised by an isochronous sink.</li>
 * </ul>
 * The figures come from the traces alone, not from the sink's own report, so a report that
 * flattered itself would be caught.
 */
public final class StreamPlayout {

  private StreamPlayout() {}

  public static final String ACCOUNTED = "stream frames accounted";
  public static final String ON_TIME_PROPERTY = "stream on time";
  public static final String LIP_SYNC = "stream lip sync";

  /** The share of due frames an isochronous stream must play (the 99 %). */
  public static final double ON_TIME = 0.99;
  /** The widest audio/video skew of a played pair (the issue's ±20 ms). */
  public static final long SKEW_US = 20_000;

  /** Three verdicts per stream traced in {@code events}. */
  public static List<Verdict> check(List<TraceEvent> events) {
    Map<String, List<TraceEvent>> byStream = new TreeMap<>();
    for (TraceEvent e : events)
      if (Events.Proto.STREAM.equals(e.proto()) && e.group() != null && e.msg() != null) byStream.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
    List<Verdict> verdicts = new ArrayList<>();
    byStream.forEach((stream, es) -> verdicts.addAll(checkStream(stream, es)));
    return verdicts;
  }

  private static List<Verdict> checkStream(String stream, List<TraceEvent> events) {
    Set<MessageId> sent = new TreeSet<>();
    Map<MessageId, Integer> played = new HashMap<>();
    Map<MessageId, Integer> missed = new HashMap<>();
    Map<String, Long> audioAt = new HashMap<>(), videoAt = new HashMap<>();
    Set<String> nodes = new TreeSet<>(GroupTrace.NODE_ORDER);
    boolean isochronous = false;
    for (TraceEvent e : events) {
      nodes.add(e.node());
      switch (e.event()) {
        case Events.Stream.SEND -> sent.add(e.msg());
        case Events.Stream.PLAY -> {
          played.merge(e.msg(), 1, Integer::sum);
          isochronous |= Events.Stream.ISOCHRONOUS.equals(e.text(Events.Stream.MODE));
          String pts = e.attributes() == null ? null : e.attributes().path(Events.Stream.PTS_US).asText(null);
          if (pts != null) (e.msg().origin().equals("audio") ? audioAt : videoAt).put(pts, e.ts());
        }
        case Events.Stream.MISS -> missed.merge(e.msg(), 1, Integer::sum);
        default -> { }
      }
    }
    List<Verdict> out = new ArrayList<>();

    List<String> unaccounted = new ArrayList<>();
    int offences = 0;
    for (Map.Entry<MessageId, Integer> p : played.entrySet()) {
      if (!sent.isEmpty() && !sent.contains(p.getKey())) {
        offences++;
        if (unaccounted.size() < 5) unaccounted.add(p.getKey() + " played but never sent");
      }
      if (p.getValue() > 1 || missed.containsKey(p.getKey())) {
        offences++;
        if (unaccounted.size() < 5) unaccounted.add(p.getKey() + " played " + p.getValue() + "x and missed " + missed.getOrDefault(p.getKey(), 0) + "x");
      }
    }
    for (Map.Entry<MessageId, Integer> m : missed.entrySet())
      if (m.getValue() > 1) {
        offences++;
        if (unaccounted.size() < 5) unaccounted.add(m.getKey() + " missed " + m.getValue() + "x");
      }
    int frames = Math.max(sent.size(), played.size() + missed.size());
    out.add(verdict(ACCOUNTED, stream, true, offences, nodes.size(), frames, unaccounted));

    long due = played.size() + missed.size();
    double ratio = due == 0 ? 1.0 : (double) played.size() / due;
    String figure = String.format(Locale.ROOT, "%.2f%% of %d due frames played (%d missed); at least %.0f%% promised by an isochronous sink",
        100 * ratio, due, missed.size(), 100 * ON_TIME);
    out.add(verdict(ON_TIME_PROPERTY, stream, isochronous, ratio >= ON_TIME ? 0 : missed.size(), nodes.size(), (int) due, List.of(figure)));

    int pairs = 0, skewed = 0;
    long worst = 0;
    List<String> skews = new ArrayList<>();
    for (Map.Entry<String, Long> v : videoAt.entrySet()) {
      Long a = audioAt.get(v.getKey());
      if (a == null) continue;
      pairs++;
      long skew = Math.abs(v.getValue() - a);
      worst = Math.max(worst, skew);
      if (skew > SKEW_US) {
        skewed++;
        if (skews.size() < 5) skews.add("pts " + v.getKey() + " us: video played " + (v.getValue() - a) / 1000.0 + " ms after audio");
      }
    }
    skews.add(0, String.format(Locale.ROOT, "%d audio/video pairs, worst skew %.1f ms (bound %d ms)", pairs, worst / 1000.0, SKEW_US / 1000));
    out.add(verdict(LIP_SYNC, stream, isochronous, skewed, nodes.size(), pairs, skews));
    return out;
  }

  private static Verdict verdict(String property, String stream, boolean promised, int violations, int nodes, int frames, List<String> details) {
    return new Verdict(property, stream, Events.Proto.STREAM, promised, violations == 0 ? Verdict.Outcome.HELD : Verdict.Outcome.VIOLATED,
        nodes, violations == 0 ? nodes : 0, frames, violations, details, List.of(), "frames");
  }
}
