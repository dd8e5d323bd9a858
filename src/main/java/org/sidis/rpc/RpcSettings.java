package org.sidis.rpc;

import com.typesafe.config.Config;

import java.time.Duration;

/** {@code sidis.rpc}: see conf/reference.conf. */
public record RpcSettings(Duration deadline, Duration attemptTimeout, int retries, Duration backoffInitial,
                          Duration backoffMax, Replication replication, int maxPayloadBytes) {

  /** How many replicas a call goes to and whose answer counts. */
  public enum Replication {
    /** One replica at a time (the cached endpoint); idempotent calls fail over to the next. */
    SINGLE,
    /** All replicas at once; the first answer wins. */
    FIRST,
    /** All replicas at once; the answer a majority of them gave wins. */
    MAJORITY;

    public static Replication parse(String s) {
      return valueOf(s.trim().toUpperCase());
    }
  }

  public static RpcSettings fromConfig(Config rpc) {
    return new RpcSettings(rpc.getDuration("deadline"), rpc.getDuration("attempt-timeout"), rpc.getInt("retries"),
        rpc.getDuration("backoff-initial"), rpc.getDuration("backoff-max"), Replication.parse(rpc.getString("replication")),
        (int) (long) rpc.getBytes("max-payload-bytes"));
  }

  public RpcSettings withReplication(Replication r) {
    return new RpcSettings(deadline, attemptTimeout, retries, backoffInitial, backoffMax, r, maxPayloadBytes);
  }

  public RpcSettings withDeadline(Duration d) {
    return new RpcSettings(d, attemptTimeout, retries, backoffInitial, backoffMax, replication, maxPayloadBytes);
  }

  public RpcSettings withAttemptTimeout(Duration d) {
    return new RpcSettings(deadline, d, retries, backoffInitial, backoffMax, replication, maxPayloadBytes);
  }
}
