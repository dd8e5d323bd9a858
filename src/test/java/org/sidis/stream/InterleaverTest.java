package org.sidis.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interleaving: one lost packet costs scattered single frames; depth 1 (none) costs a run. */
class InterleaverTest {

  private static List<Integer> frames(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void spreadsConsecutiveFramesRoundRobinOverTheBlocksPackets() {
    Interleaver i = new Interleaver(4, 4);
    assertEquals(List.of(List.of(0, 4, 8, 12), List.of(1, 5, 9, 13), List.of(2, 6, 10, 14), List.of(3, 7, 11, 15)), i.interleave(frames(16)));
    assertEquals(List.of(List.of(0, 1, 2, 3)), Interleaver.none(4).interleave(frames(4)));
    assertEquals(List.of(List.of(0, 2), List.of(1)), new Interleaver(2, 2).interleave(frames(3)), "a short block");
    assertEquals(15, i.spanFrames());
  }

  @Test
  void deinterleaveInvertsInterleaveForFullAndShortBlocks() {
    for (Interleaver i : List.of(new Interleaver(4, 4), new Interleaver(2, 3), Interleaver.none(3), new Interleaver(1, 1)))
      for (int size = 1; size <= i.blockFrames(); size++)
        assertEquals(frames(size), i.deinterleave(i.interleave(frames(size)), size), i + " block of " + size);
  }

  @Test
  void oneLostPacketLosesFramesDepthApartAndWithoutInterleavingARun() {
    Interleaver on = new Interleaver(4, 4);
    Interleaver off = Interleaver.none(4);
    for (int lost = 0; lost < 4; lost++) {
      assertEquals(1, longestGap(on, lost), "interleaved, packet " + lost);
      assertEquals(4, longestGap(off, lost), "not interleaved (negative control), packet " + lost);
    }
  }

  private static int longestGap(Interleaver i, int lostPacket) {
    // the same 16 frames in 4 packets of 4: one block interleaved, four blocks of one packet without
    List<List<Integer>> packets = new ArrayList<>();
    for (int b = 0; b < 16; b += i.blockFrames()) packets.addAll(i.interleave(frames(16).subList(b, b + i.blockFrames())));
    assertEquals(4, packets.size());
    packets.set(lostPacket, null);
    List<Integer> got = new ArrayList<>();
    int perBlock = i.blockFrames() / i.framesPerPacket();
    for (int p = 0; p < packets.size(); p += perBlock) got.addAll(i.deinterleave(packets.subList(p, p + perBlock), i.blockFrames()));
    int longest = 0, run = 0;
    for (Integer f : got) {
      run = f == null ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assertTrue(got.stream().filter(f -> f == null).count() == 4, "a packet carries four frames");
    return longest;
  }

  @Test
  void refusesBlocksThatDoNotFit() {
    Interleaver i = new Interleaver(2, 2);
    assertThrows(IllegalArgumentException.class, () -> i.interleave(frames(5)));
    assertThrows(IllegalArgumentException.class, () -> i.interleave(List.of()));
    assertThrows(IllegalArgumentException.class, () -> i.deinterleave(List.of(List.of(0, 2)), 4), "one packet where two belong");
    assertThrows(IllegalArgumentException.class, () -> new Interleaver(0, 4));
  }
}
