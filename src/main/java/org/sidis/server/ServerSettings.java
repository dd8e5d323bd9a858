package org.sidis.server;

import com.typesafe.config.Config;

import java.time.Duration;

/** {@code sidis.server}: see conf/application.conf. */
public record ServerSettings(int workers, int maxAttempts, int maxQueue, int replyCacheSize, String blockingDispatcher,
                             Duration idleTimeout) {

  public static ServerSettings fromConfig(Config server) {
    return new ServerSettings(server.getInt("workers"), server.getInt("max-attempts"), server.getInt("max-queue"),
        server.getInt("reply-cache-size"), server.getString("blocking-dispatcher"), server.getDuration("idle-timeout"));
  }

  public ServerSettings withWorkers(int n) {
    return new ServerSettings(n, maxAttempts, maxQueue, replyCacheSize, blockingDispatcher, idleTimeout);
  }
}
