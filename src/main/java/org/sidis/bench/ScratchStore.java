package org.sidis.bench;

import akka.actor.typed.ActorSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;

/**
 * The H2 store of one in-JVM bench run: a fresh temporary directory (WRITE_DELAY=0, so every
 * commit is written at once), deleted with everything in it once the run's actor system has
 * terminated, so that no run replays an earlier one's journal.
 */
final class ScratchStore {

  private final Path dir;

  private ScratchStore(Path dir) {
    this.dir = dir;
  }

  /** A fresh directory {@code sidis-bench-<what>-…} under the system's temporary directory. */
  static ScratchStore create(String what) throws IOException {
    return new ScratchStore(Files.createTempDirectory("sidis-bench-" + what + "-"));
  }

  /** The JDBC URL of the H2 database in this directory. */
  String h2Url() {
    return "jdbc:h2:file:" + dir.resolve("bench").toAbsolutePath() + ";WRITE_DELAY=0";
  }

  /** Waits for {@code result}, then terminates {@code system} and deletes the directory, whatever the result. */
  <R> R await(ActorSystem<?> system, CompletableFuture<R> result) throws Exception {
    try {
      return result.get();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
