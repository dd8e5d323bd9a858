package org.sidis.gossip;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.sidis.wire.CborSerializable;

import java.util.List;
import java.util.Map;

/**
 * What one replica sends another after comparing digests: the entries the other lacks and, per
 * origin, how far the other may now move its digest line ({@code upTo}). The sender includes,
 * for each origin in {@code upTo}, every entry of that origin it holds between the receiver's
 * line and {@code upTo}; the origin's updates it does not hold in that range were superseded
 * by newer entries for their keys, which travel under their own origins.
 */
public record Delta(@JsonProperty("e") List<Entry> entries, @JsonProperty("u") Map<String, Long> upTo)
    implements CborSerializable {

  public static final Delta EMPTY = new Delta(List.of(), Map.of());

  public Delta {
    entries = entries == null ? null : List.copyOf(entries);
    upTo = upTo == null ? null : Map.copyOf(upTo);
  }

  /** Entries alone, moving no digest line (a reply to a recheck). */
  public static Delta of(List<Entry> entries) {
    return new Delta(entries, Map.of());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return (entries == null || entries.isEmpty()) && (upTo == null || upTo.isEmpty());
  }

  /** Entries carried: the {@code count} of a {@code send} trace line. */
  @JsonIgnore
  public int count() {
    return entries == null ? 0 : entries.size();
  }
}
