package org.sidis.migration.code;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 fingerprint of a code unit's bytes, as 64 lower-case hex digits. A sender announces
 * it before the bytes travel; the receiver computes it again over what arrived and refuses the
 * unit when the two differ, so a unit damaged or altered on the way is never loaded.
 */
public record CodeDigest(String hex) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public CodeDigest {
    if (hex == null || !HEX.matcher(hex).matches())
      throw new IllegalArgumentException("a code digest is 64 lower-case hex digits (SHA-256), not " + hex);
  }

  public static CodeDigest of(byte[] bytes) {
    try {
      return new CodeDigest(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The first 12 digits, enough to tell units apart in a log line. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return hex;
  }
}
