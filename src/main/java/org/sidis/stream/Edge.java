package org.sidis.stream;

/**
 * The names of a stream's two ends on {@link org.sidis.net.NetworkModel}'s links: the model's
 * fate of a datagram is drawn for the link {@code source → sink} (media) or {@code sink → source}
 * (NAKs) at the receiving socket, so {@code sidis.net.links} can impair one direction alone.
 */
final class Edge {
  static final String SOURCE = "source";
  static final String SINK = "sink";

  private Edge() {}
}
