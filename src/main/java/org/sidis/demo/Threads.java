package org.sidis.demo;

/**
 * The demo workloads' own threads: a workload that makes blocking calls (RPC stubs, queue
 * clients) runs on a daemon thread of its own, never on an actor's, and pauses between steps.
 */
final class Threads {

  private Threads() {}

  /** Starts {@code body} on a daemon thread named {@code name}: it never keeps a node's JVM alive. */
  static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Sleeps {@code ms} milliseconds; an interrupt ends the pause early and stays set. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
