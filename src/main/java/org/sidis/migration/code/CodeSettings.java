package org.sidis.migration.code;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * The settings of weak mobility, {@code sidis.migration.code} (conf/reference.conf), read once.
 *
 * @param partBytes       a unit travels in parts of at most this many bytes, under Artery's frame
 * @param maxUnitBytes    a host refuses larger units
 * @param transferTimeout an offer whose parts have not all arrived by then is dropped and refused
 * @param fetchTimeout    how long a fetch waits for one member before asking the next
 */
public record CodeSettings(int partBytes, long maxUnitBytes, Duration transferTimeout, Duration fetchTimeout) {

  /** Artery's default maximum frame is 256 KiB; a part leaves room for the envelope. */
  static final int MAX_PART_BYTES = 192 * 1024;

  public CodeSettings {
    if (partBytes < 1024 || partBytes > MAX_PART_BYTES)
      throw new IllegalArgumentException("sidis.migration.code.part-bytes = " + partBytes + ": must be 1 KiB..192 KiB (Artery's maximum frame is 256 KiB)");
    if (maxUnitBytes < 1 || maxUnitBytes > Integer.MAX_VALUE - 8)
      throw new IllegalArgumentException("sidis.migration.code.max-unit-bytes = " + maxUnitBytes + ": must be 1..2 GiB");
    if (transferTimeout.isNegative() || transferTimeout.isZero())
      throw new IllegalArgumentException("sidis.migration.code.transfer-timeout must be positive");
    if (fetchTimeout.isNegative() || fetchTimeout.isZero())
      throw new IllegalArgumentException("sidis.migration.code.fetch-timeout must be positive");
  }

  public static CodeSettings fromConfig(Config c) {
    return new CodeSettings(Math.toIntExact(Math.min(c.getBytes("part-bytes"), Integer.MAX_VALUE)), c.getBytes("max-unit-bytes"),
        c.getDuration("transfer-timeout"), c.getDuration("fetch-timeout"));
  }

  public static CodeSettings defaults() {
    return new CodeSettings(128 * 1024, 64L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(5));
  }
}
