package org.sidis.server;

import com.typesafe.config.Config;

import java.time.Duration;

/** {@code sidis.server}: see conf/reference.conf. */
public record ServerSettings(int workers, int maxAttempts, int maxQueue, int replyCacheSize, String blockingDispatcher,
                             Duration idleTimeout, WorkersAt workersAt) {

  /** Where a concurrent server's workers live: threads of its own JVM, or other JVMs (processes). */
  public enum WorkersAt {
    LOCAL, REMOTE;

    static WorkersAt parse(String s) {
      return switch (s) {
        case "local" -> LOCAL;
        case "remote" -> REMOTE;
        default -> throw new IllegalArgumentException("sidis.server.workers-at = [" + s + "]: expected local or remote");
      };
    }
  }

  public static ServerSettings fromConfig(Config server) {
    return new ServerSettings(server.getInt("workers"), server.getInt("max-attempts"), server.getInt("max-queue"),
        server.getInt("reply-cache-size"), server.getString("blocking-dispatcher"), server.getDuration("idle-timeout"),
        WorkersAt.parse(server.getString("workers-at")));
  }

  public ServerSettings withWorkers(int n) {
    return new ServerSettings(n, maxAttempts, maxQueue, replyCacheSize, blockingDispatcher, idleTimeout, workersAt);
  }

  public ServerSettings withWorkersAt(WorkersAt at) {
    return new ServerSettings(workers, maxAttempts, maxQueue, replyCacheSize, blockingDispatcher, idleTimeout, at);
  }
}
