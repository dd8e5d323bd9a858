package org.sidis.trace;

import org.sidis.clock.VectorClock;

import java.util.Map;

/**
 * Builds one trace line as a JSON object, field by field, without a reflective mapper: the
 * trace is written on the protocol's hot path, and its fields are few and flat.
 */
final class JsonLine {
  private final StringBuilder sb = new StringBuilder(160).append('{');

  JsonLine field(String name, Object value) {
    if (value == null) return this;
    if (sb.length() > 1) sb.append(',');
    string(name);
    sb.append(':');
    value(value);
    return this;
  }

  String end() {
    return sb.append('}').toString();
  }

  private void value(Object value) {
    if (value instanceof String s) string(s);
    else if (value instanceof Long || value instanceof Integer || value instanceof Short) sb.append(value);
    else if (value instanceof Double || value instanceof Float) sb.append(value);
    else if (value instanceof Boolean b) sb.append(b);
    else if (value instanceof VectorClock vc) value(vc.entries());
    else if (value instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(',');
        first = false;
        string(String.valueOf(e.getKey()));
        sb.append(':');
        value(e.getValue());
      }
      sb.append('}');
    } else if (value instanceof Iterable<?> it) {
      sb.append('[');
      boolean first = true;
      for (Object o : it) {
        if (!first) sb.append(',');
        first = false;
        value(o);
      }
      sb.append(']');
    } else string(String.valueOf(value));
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
