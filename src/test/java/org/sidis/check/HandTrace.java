package org.sidis.check;

import org.sidis.wire.MessageId;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A trace written by hand for a checker test: each event gets the next lseq and stands at that
 * line of {@code <node>.jsonl}; the checker is expected to give one verdict on it.
 */
final class HandTrace {

  private final List<TraceEvent> events = new ArrayList<>();
  private long lseq;

  /** {@code node} traced {@code event} of {@code msg} (or of no message), with the line's own {@code fields} (or none). */
  void add(String node, String actor, String proto, String group, String event, String msg, ObjectNode fields) {
    lseq++;
    events.add(new TraceEvent(0, node, actor, proto, group, event, msg == null ? null : MessageId.of(msg), lseq, null,
        null, null, null, Path.of(node + ".jsonl"), (int) lseq, fields));
  }

  /** The one verdict of {@code checker} on the events so far. */
  Verdict verdict(Function<List<TraceEvent>, List<Verdict>> checker) {
    List<Verdict> vs = checker.apply(events);
    assertEquals(1, vs.size());
    return vs.get(0);
  }
}
