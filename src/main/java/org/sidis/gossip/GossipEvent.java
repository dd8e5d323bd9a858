package org.sidis.gossip;

/** What a gossip node tells the application that subscribed to it. */
public sealed interface GossipEvent {

  /**
   * The store changed here: a local write or delete ({@code from} is this node), an update
   * from a peer, or a certificate that woke. {@code atNanos} is {@link System#nanoTime()} when
   * it happened, for in-process measurements.
   */
  record Changed(String node, Entry entry, String from, long atNanos) implements GossipEvent {}
}
