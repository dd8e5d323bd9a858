package org.sidis.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Machine-readable lines a node prints on its standard output for the demo launcher:
 * {@code @sidis {"event":"...", ...}}. Human logs go to the log file; these lines are the
 * launcher's only window into a child JVM, so they stay few and flat.
 */
public final class Progress {
  public static final String PREFIX = "@sidis ";

  private Progress() {}

  public static void print(String event, Map<String, ?> fields) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("event", event);
    all.putAll(fields);
    StringBuilder sb = new StringBuilder(PREFIX).append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : all.entrySet()) {
      if (!first) sb.append(',');
      first = false;
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Number || v instanceof Boolean) sb.append(v);
      else sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    sb.append('}');
    synchronized (System.out) {
      System.out.println(sb);
      System.out.flush();
    }
  }
}
