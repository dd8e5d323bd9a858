package org.sidis.stream;

import org.sidis.stream.JitterBuffer.Frame;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream's datagrams on UDP, a small binary header in network byte order rather than CBOR,
 * because a media packet's header is read 75 times a second per flow and carries fixed fields,
 * as RTP's does: {@code magic (4) · kind (1) · stream id (8) · sent µs (8) · count (2)} and then,
 * for data and repairs, per frame {@code flow (1) · number (8) · pts µs (8) · length (2) ·
 * payload}; for a NAK per frame {@code flow (1) · number (8)}. {@code sent µs} is the sender's
 * clock when the datagram left, what RFC 3550's jitter estimator needs. Decoding never throws:
 * a datagram that is not ours or not well formed comes back as {@link Bad} with the reason, for
 * the receiver to count and log.
 */
public final class Datagram {

  /** "SIDS": a datagram without it is foreign. */
  public static final int MAGIC = 0x53494453;
  public static final int MAX_FRAMES = 64;
  public static final int HEADER_BYTES = 4 + 1 + 8 + 8 + 2;
  public static final int FRAME_HEADER_BYTES = 1 + 8 + 8 + 2;

  private Datagram() {}

  /** What a datagram carries. */
  public enum Kind {
    /** Frames sent for the first time. */
    DATA,
    /** Frames sent again because the sink asked: their transit says nothing of the path's jitter. */
    REPAIR,
    /** The sink asks for frames it misses (negative acknowledgement). */
    NAK
  }

  public sealed interface Packet permits Media, Nak {
    long streamId();

    long sentUs();
  }

  /** Frames, first sent ({@code DATA}) or repaired ({@code REPAIR}). */
  public record Media(Kind kind, long streamId, long sentUs, List<Frame> frames) implements Packet {
    public Media {
      if (kind == Kind.NAK) throw new IllegalArgumentException("media packets are DATA or REPAIR");
      if (frames.isEmpty() || frames.size() > MAX_FRAMES) throw new IllegalArgumentException("a media packet carries 1.." + MAX_FRAMES + " frames, got [" + frames.size() + "]");
      frames = List.copyOf(frames);
    }

    public boolean isRepair() {
      return kind == Kind.REPAIR;
    }
  }

  /** The frames the sink asks for. */
  public record Nak(long streamId, long sentUs, List<FrameId> frames) implements Packet {
    public Nak {
      if (frames.isEmpty() || frames.size() > MAX_FRAMES) throw new IllegalArgumentException("a NAK names 1.." + MAX_FRAMES + " frames, got [" + frames.size() + "]");
      frames = List.copyOf(frames);
    }
  }

  /** The outcome of decoding. */
  public sealed interface Decoded permits Ok, Bad {}

  public record Ok(Packet packet) implements Decoded {}

  public record Bad(String reason) implements Decoded {}

  public static int encodedSize(Packet p) {
    if (p instanceof Media m) return HEADER_BYTES + m.frames().stream().mapToInt(f -> FRAME_HEADER_BYTES + f.bytes()).sum();
    return HEADER_BYTES + ((Nak) p).frames().size() * 9;
  }

  public static ByteBuffer encode(Packet p) {
    ByteBuffer b = ByteBuffer.allocate(encodedSize(p));
    b.putInt(MAGIC);
    if (p instanceof Media m) {
      b.put((byte) m.kind().ordinal()).putLong(m.streamId()).putLong(m.sentUs()).putShort((short) m.frames().size());
      for (Frame f : m.frames()) {
        if (f.bytes() > 0xFFFF) throw new IllegalArgumentException("a frame payload fits in 65535 bytes, got [" + f.bytes() + "]");
        b.put((byte) f.id().flow().ordinal()).putLong(f.id().number()).putLong(f.ptsUs()).putShort((short) f.bytes());
        b.position(b.position() + f.bytes()); // the payload: zeros stand for the media
      }
    } else {
      Nak n = (Nak) p;
      b.put((byte) Kind.NAK.ordinal()).putLong(n.streamId()).putLong(n.sentUs()).putShort((short) n.frames().size());
      for (FrameId id : n.frames()) b.put((byte) id.flow().ordinal()).putLong(id.number());
    }
    return b.flip();
  }

  public static Decoded decode(ByteBuffer b) {
    try {
      if (b.remaining() < HEADER_BYTES) return new Bad("truncated: " + b.remaining() + " bytes, a header has " + HEADER_BYTES);
      int magic = b.getInt();
      if (magic != MAGIC) return new Bad(String.format("foreign datagram: magic 0x%08x", magic));
      int kindCode = b.get();
      if (kindCode < 0 || kindCode >= Kind.values().length) return new Bad("unknown kind " + kindCode);
      Kind kind = Kind.values()[kindCode];
      long stream = b.getLong();
      long sent = b.getLong();
      int count = Short.toUnsignedInt(b.getShort());
      if (count < 1 || count > MAX_FRAMES) return new Bad("frame count " + count + " outside 1.." + MAX_FRAMES);
      if (kind == Kind.NAK) {
        List<FrameId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          int flow = b.get();
          long number = b.getLong();
          if (Flow.ofCode(flow).isEmpty()) return new Bad("unknown flow " + flow);
          if (number < 0) return new Bad("negative frame number " + number);
          ids.add(new FrameId(Flow.ofCode(flow).get(), number));
        }
        if (b.hasRemaining()) return new Bad(b.remaining() + " bytes after the last frame");
        return new Ok(new Nak(stream, sent, ids));
      }
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int flow = b.get();
        long number = b.getLong();
        long pts = b.getLong();
        int length = Short.toUnsignedInt(b.getShort());
        if (Flow.ofCode(flow).isEmpty()) return new Bad("unknown flow " + flow);
        if (number < 0) return new Bad("negative frame number " + number);
        if (length > b.remaining()) return new Bad("frame " + number + " claims " + length + " bytes, " + b.remaining() + " remain");
        b.position(b.position() + length);
        frames.add(new Frame(new FrameId(Flow.ofCode(flow).get(), number), pts, length));
      }
      if (b.hasRemaining()) return new Bad(b.remaining() + " bytes after the last frame");
      return new Ok(new Media(kind, stream, sent, frames));
    } catch (BufferUnderflowException e) {
      return new Bad("truncated inside a frame");
    }
  }
}
