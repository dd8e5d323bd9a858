package org.sidis.migration.code;

/**
 * Why a host did not run a code unit. The first four are the host's admission rules (who may
 * send code, and whether what arrived is what was announced); the next four are loading
 * failures; the last two are a fetch that found nothing and a transfer that did not finish.
 * Each travels back to the sender with a detail text, and is logged and traced
 * ({@code code-refuse}) at the host.
 */
public enum Refusal {
  /** The sender is not a current (Up) member of the host's cluster. */
  NOT_MEMBER,
  /** The SHA-256 of the bytes that arrived differs from the digest the sender announced. */
  DIGEST_MISMATCH,
  /** The unit is larger than {@code sidis.migration.code.max-unit-bytes}. */
  TOO_LARGE,
  /** The bytes are not an encoded unit, or not the one announced (name, size, parts). */
  MALFORMED,
  /** A class's bytes are not a valid class file for this JVM (or do not link). */
  BAD_CLASS,
  /** The entry class is not in the unit (nor on the host's class path). */
  NO_ENTRY,
  /** The entry class does not implement {@link MobileJob}, or has no public no-argument constructor. */
  NOT_A_JOB,
  /** The entry class's constructor or its {@code behavior} threw. */
  ENTRY_FAILED,
  /** A fetch: no member has a unit of that name (or none answered in time). */
  UNKNOWN_UNIT,
  /** The transfer did not complete within {@code sidis.migration.code.transfer-timeout}. */
  TIMEOUT
}
