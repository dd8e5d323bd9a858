package org.sidis.migration.code;

import akka.actor.Address;

import java.util.Set;

/**
 * The host's rules for code that arrives (issue text: shipped code is refused unless it comes
 * from a member of the cluster and its digest matches what the sender announced). A plain core:
 * the members, the sender's address and the bytes in; a verdict out. Checked when the offer
 * arrives (to refuse before the bytes travel) and again on the bytes, when the sender may have
 * left in between.
 */
public final class Admission {

  private final long maxUnitBytes;

  public Admission(long maxUnitBytes) {
    this.maxUnitBytes = maxUnitBytes;
  }

  /** Accepted, or why not. */
  public sealed interface Verdict permits Admitted, Refused {}

  public record Admitted(CodeUnit unit) implements Verdict {}

  public record Refused(Refusal reason, String detail) implements Verdict {}

  /** The offer alone: who sends, and how much. Null when the offer may proceed. */
  public Refused offer(Set<Address> members, Address sender, String unit, long bytes, int parts) {
    if (!members.contains(sender))
      return new Refused(Refusal.NOT_MEMBER, "sender " + sender + " is not an Up member of this node's cluster " + members);
    if (bytes > maxUnitBytes)
      return new Refused(Refusal.TOO_LARGE, unit + " is " + bytes + " bytes, more than sidis.migration.code.max-unit-bytes = " + maxUnitBytes);
    if (bytes < 1 || parts < 1 || parts > bytes)
      return new Refused(Refusal.MALFORMED, unit + " announced " + bytes + " bytes in " + parts + " parts");
    return null;
  }

  /** The bytes that arrived for an offer of {@code unit} announced with {@code announced}. */
  public Verdict bytes(Set<Address> members, Address sender, String unit, CodeDigest announced, byte[] bytes) {
    if (!members.contains(sender))
      return new Refused(Refusal.NOT_MEMBER, "sender " + sender + " is no longer an Up member of this node's cluster " + members);
    if (bytes.length > maxUnitBytes)
      return new Refused(Refusal.TOO_LARGE, unit + " is " + bytes.length + " bytes, more than sidis.migration.code.max-unit-bytes = " + maxUnitBytes);
    CodeDigest actual = CodeDigest.of(bytes);
    if (!actual.equals(announced))
      return new Refused(Refusal.DIGEST_MISMATCH, unit + ": announced sha256 " + announced + ", the " + bytes.length + " bytes that arrived have " + actual);
    CodeUnit decoded;
    try {
      decoded = CodeUnit.decode(bytes);
    } catch (IllegalArgumentException e) {
      return new Refused(Refusal.MALFORMED, unit + ": " + e.getMessage());
    }
    if (!decoded.name().equals(unit))
      return new Refused(Refusal.MALFORMED, "offered as " + unit + " but the bytes are unit " + decoded.name());
    return new Admitted(decoded);
  }
}
