package org.sidis.demo;

import org.sidis.wire.Progress;

import java.util.Map;

/**
 * The progress lines of one workload role: a {@code progress} line each tick until the role has
 * done its part, then one {@code done} line and nothing more — the launcher reads the first
 * {@code done} of each node as its end.
 */
final class RoleProgress {

  private boolean done;

  void report(boolean finished, Map<String, ?> fields) {
    if (done) return;
    done = finished;
    Progress.print(finished ? "done" : "progress", fields);
  }
}
