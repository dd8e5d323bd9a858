package org.sidis.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Interleaving of frames across packets (Tanenbaum &amp; van Steen, streams: when several frames
 * share a packet, one lost packet loses them all — a gap a listener hears). A block of
 * {@code framesPerPacket × depth} consecutive frames goes out in {@code depth} packets, frame
 * {@code j} of the block in packet {@code j mod depth}: packet 0 carries frames 0, d, 2d, …, so
 * one lost packet costs frames {@code depth} apart, single gaps the ear or eye bridges. Depth 1
 * is no interleaving: each packet carries consecutive frames. The price is latency: the first
 * packet of a block can go only when the block's last frame exists, {@link #spanFrames()} frame
 * periods after its first. A short last block is spread the same way over fewer frames.
 */
public record Interleaver(int framesPerPacket, int depth) {

  public static Interleaver none(int framesPerPacket) {
    return new Interleaver(framesPerPacket, 1);
  }

  public Interleaver {
    if (framesPerPacket < 1) throw new IllegalArgumentException("frames per packet must be at least 1, got [" + framesPerPacket + "]");
    if (depth < 1) throw new IllegalArgumentException("interleaving depth must be at least 1, got [" + depth + "]");
  }

  /** Frames in a block: the source holds this many before it sends. */
  public int blockFrames() {
    return framesPerPacket * depth;
  }

  /** Frame periods from a block's first frame to its last: the latency interleaving adds. */
  public int spanFrames() {
    return blockFrames() - 1;
  }

  /**
   * The packets of one block, in sending order. Frame {@code j} goes to packet {@code j mod depth}
   * when interleaving, to packet {@code j / framesPerPacket} when not; a short block fills fewer.
   */
  public <T> List<List<T>> interleave(List<T> block) {
    if (block.isEmpty() || block.size() > blockFrames())
      throw new IllegalArgumentException("a block holds 1.." + blockFrames() + " frames, got [" + block.size() + "]");
    List<List<T>> packets = new ArrayList<>();
    if (depth == 1) {
      for (int i = 0; i < block.size(); i += framesPerPacket) packets.add(List.copyOf(block.subList(i, Math.min(block.size(), i + framesPerPacket))));
      return List.copyOf(packets);
    }
    int n = Math.min(depth, block.size());
    for (int p = 0; p < n; p++) packets.add(new ArrayList<>());
    for (int j = 0; j < block.size(); j++) packets.get(j % n).add(block.get(j));
    return packets.stream().map(List::copyOf).toList();
  }

  /**
   * The inverse: the block's frames back in their order from its packets; a packet that was lost
   * ({@code null}) leaves its frames' places {@code null}, so the gaps show where they are.
   */
  public <T> List<T> deinterleave(List<List<T>> packets, int blockSize) {
    if (blockSize < 1 || blockSize > blockFrames()) throw new IllegalArgumentException("a block holds 1.." + blockFrames() + " frames, got [" + blockSize + "]");
    List<T> out = new ArrayList<>();
    for (int j = 0; j < blockSize; j++) out.add(null);
    int n = depth == 1 ? (blockSize + framesPerPacket - 1) / framesPerPacket : Math.min(depth, blockSize);
    if (packets.size() != n) throw new IllegalArgumentException("a block of " + blockSize + " frames comes in " + n + " packets, got [" + packets.size() + "]");
    for (int p = 0; p < n; p++) {
      List<T> packet = packets.get(p);
      if (packet == null) continue;
      for (int k = 0; k < packet.size(); k++) {
        int j = depth == 1 ? p * framesPerPacket + k : p + k * n;
        if (j >= blockSize) throw new IllegalArgumentException("packet " + p + " carries more frames than its block has places for");
        out.set(j, packet.get(k));
      }
    }
    return out;
  }
}
