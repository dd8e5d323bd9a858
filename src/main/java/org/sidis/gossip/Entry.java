package org.sidis.gossip;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.sidis.wire.CborSerializable;

/**
 * One update as it is stored and as it travels: a key, what happened to it ({@link Op#PUT}
 * with a value, or {@link Op#DELETE} — a <em>death certificate</em>, Demers et al. 1987), the
 * {@link Version} that orders it against other updates of the key, and its dissemination id
 * {@code <origin>:<seq>}: the node that published it and that node's counter 1, 2, 3…
 *
 * <p>The origin is the writer, except for a certificate that a dormant keeper reactivated: it
 * travels again under the keeper's id but keeps the version of the delete, so it never
 * outranks a write made after the delete.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entry(
    // Short names on the wire: a delta repeats them for every entry it carries.
    @JsonProperty("k") String key,
    @JsonProperty("op") Op op,
    @JsonProperty("v") String value,
    @JsonProperty("ver") Version version,
    @JsonProperty("o") String origin,
    @JsonProperty("s") long seq) implements CborSerializable {

  public static Entry put(String key, String value, Version version, String origin, long seq) {
    return new Entry(key, Op.PUT, value, version, origin, seq);
  }

  public static Entry death(String key, Version version, String origin, long seq) {
    return new Entry(key, Op.DELETE, null, version, origin, seq);
  }

  /** The trace contract's message id: {@code <origin>:<seq>}. */
  @JsonIgnore
  public String msgId() {
    return origin + ":" + seq;
  }

  @JsonIgnore
  public boolean isDeath() {
    return op == Op.DELETE;
  }

  /** The same certificate or value under another dissemination id (reactivation). */
  Entry republishedAs(String newOrigin, long newSeq) {
    return new Entry(key, op, value, version, newOrigin, newSeq);
  }

  /** An upper bound of the entry's size on the wire, by which messages are cut. */
  @JsonIgnore
  public int wireSize() {
    return utf8Length(key) + utf8Length(value) + utf8Length(origin) + (version == null ? 0 : utf8Length(version.writer())) + 48;
  }

  static int utf8Length(String s) {
    if (s == null) return 0;
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) n += ch >= 0x800 && !Character.isSurrogate(ch) ? 2 : 1;
    }
    return n;
  }

  /** Why this entry cannot be accepted, or null when it is well formed. */
  @JsonIgnore
  String defect(int maxKeyBytes, int maxValueBytes) {
    if (origin == null || origin.isBlank()) return "update without origin";
    if (!validName(origin)) return "update whose origin [" + origin + "] is not a node name";
    if (seq < 1) return "update [" + msgId() + "] with a sequence number below 1";
    if (key == null || key.isEmpty()) return "update [" + msgId() + "] without key";
    if (utf8Length(key) > maxKeyBytes) return "update [" + msgId() + "] with a key over " + maxKeyBytes + " bytes";
    if (op == null) return "update [" + msgId() + "] without op (put or delete)";
    if (version == null) return "update [" + msgId() + "] without version";
    String bad = version.defect();
    if (bad != null) return "update [" + msgId() + "]: " + bad;
    if (op == Op.PUT && value == null) return "put [" + msgId() + "] without value";
    if (op == Op.DELETE && value != null) return "delete [" + msgId() + "] that carries a value";
    if (utf8Length(value) > maxValueBytes) return "put [" + msgId() + "] with a value over " + maxValueBytes + " bytes";
    return null;
  }

  /** A node name as message ids need it: no colon, no white space. */
  static boolean validName(String name) {
    return name != null && !name.isEmpty() && name.chars().noneMatch(c -> c == ':' || Character.isWhitespace(c));
  }
}
