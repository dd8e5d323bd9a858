package org.sidis.migration;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * The settings of {@code sidis.migration}, read once (conf/reference.conf documents each).
 *
 * @param name          the moving actor's stable name: clients address it by this alone
 * @param home          the node where it starts serving
 * @param stateBytes    the size of its paged state
 * @param pageSize      bytes per page
 * @param writeBytesPerSec how fast the workload dirties the state while it serves
 * @param writeTick     how often the workload writes
 * @param chunkBytes    the most page bytes in one transfer message (well under Artery's frame)
 * @param window        chunks in flight before the source waits for the target's acks
 * @param stopPages     pre-copy stops when at most this many pages are dirty after a round
 * @param maxRounds     pre-copy stops after this many rounds whatever remains
 * @param ackTimeout    a target that acknowledges nothing for this long, before the switch, is given up
 * @param holdCapacity  the most requests held during a switch
 * @param retryAfter    a client resends a request unanswered for this long (to where the actor is registered)
 */
public record MigrationSettings(String name, String home, long stateBytes, int pageSize, long writeBytesPerSec,
                                Duration writeTick, int chunkBytes, int window, int stopPages, int maxRounds,
                                Duration ackTimeout, int holdCapacity, Duration retryAfter) {

  /** Room left in an Artery frame besides a chunk's page bytes (the record's fields, Artery's header). */
  public static final long FRAME_MARGIN = 24 * 1024;

  public MigrationSettings {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("sidis.migration.name must not be empty");
    if (pageSize < 8 || pageSize % 8 != 0) throw new IllegalArgumentException("sidis.migration.page-size must be a multiple of 8 bytes, got " + pageSize);
    if (stateBytes < pageSize) throw new IllegalArgumentException("sidis.migration.state-size must be at least one page, got " + stateBytes);
    if (writeBytesPerSec < 0) throw new IllegalArgumentException("sidis.migration.write-rate must be >= 0, got " + writeBytesPerSec);
    if (chunkBytes < pageSize) throw new IllegalArgumentException("sidis.migration.chunk-size (" + chunkBytes + ") must hold at least one page (" + pageSize + ")");
    if (window < 1) throw new IllegalArgumentException("sidis.migration.window must be >= 1, got " + window);
    if (holdCapacity < 1) throw new IllegalArgumentException("sidis.migration.hold-capacity must be >= 1, got " + holdCapacity);
    new RoundPlanner(MoveMode.PRE_COPY, stopPages, maxRounds); // checks both
  }

  public static MigrationSettings fromConfig(Config c) {
    return new MigrationSettings(c.getString("name"), c.getString("home"), c.getBytes("state-size"),
        Math.toIntExact(c.getBytes("page-size")), c.getBytes("write-rate"), c.getDuration("write-tick"),
        Math.toIntExact(c.getBytes("chunk-size")), c.getInt("window"), c.getInt("stop-pages"), c.getInt("max-rounds"),
        c.getDuration("ack-timeout"), c.getInt("hold-capacity"), c.getDuration("retry-after"));
  }

  /** Pages per transfer message. */
  public int pagesPerChunk() {
    return chunkBytes / pageSize;
  }

  public RoundPlanner planner(MoveMode mode) {
    return new RoundPlanner(mode, stopPages, maxRounds);
  }

  /** A chunk must fit Artery's largest frame, or Artery drops it with a log line and the move stalls. */
  public void checkFrame(long frameBytes) {
    if (chunkBytes > frameBytes - FRAME_MARGIN) {
      throw new IllegalArgumentException("sidis.migration.chunk-size = " + chunkBytes + " does not fit Artery's frame"
          + " (akka.remote.artery.advanced.maximum-frame-size = " + frameBytes + "): at most " + (frameBytes - FRAME_MARGIN));
    }
  }

  public MigrationSettings withState(long bytes, long writeRate) {
    return new MigrationSettings(name, home, bytes, pageSize, writeRate, writeTick, chunkBytes, window, stopPages, maxRounds,
        ackTimeout, holdCapacity, retryAfter);
  }
}
