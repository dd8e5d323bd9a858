package org.sidis.stream;

import akka.actor.typed.ActorRef;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.function.Function;

/**
 * One actor's UDP socket: a {@link DatagramChannel} bound on an address, and a reader thread
 * that hands each datagram to the actor with the instant it left the socket. Why a channel and
 * a thread rather than Akka IO's UDP: the arrival instant is taken at the socket, not when the
 * actor's mailbox reaches the message, so the jitter the sink measures is the path's and not the
 * dispatcher's queueing; and it is the plain JDK, no classic-actor bridge in a typed room. The
 * actor sends on the same channel (a send of a datagram does not block).
 */
final class Udp implements AutoCloseable {

  /** The clock of the stream room: a monotonic clock in µs (System.nanoTime; one per JVM). */
  static long nowUs() {
    return System.nanoTime() / 1000;
  }

  private final DatagramChannel channel;
  private final Thread reader;

  private <T> Udp(DatagramChannel channel, ActorRef<T> actor, Function<Received, T> adapt, String name) {
    this.channel = channel;
    this.reader = new Thread(() -> read(actor, adapt), name);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** A datagram as it left the socket. */
  record Received(byte[] bytes, InetSocketAddress from, long atUs) {}

  static <T> Udp bind(InetSocketAddress at, ActorRef<T> actor, Function<Received, T> adapt, String name) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(at);
    return new Udp(ch, actor, adapt, name);
  }

  InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the stream socket has no address: " + e.getMessage(), e);
    }
  }

  void send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
    channel.send(datagram, to);
  }

  private <T> void read(ActorRef<T> actor, Function<Received, T> adapt) {
    ByteBuffer buf = ByteBuffer.allocate(65_536);
    try {
      while (channel.isOpen()) {
        buf.clear();
        InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
        long at = nowUs();
        buf.flip();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        actor.tell(adapt.apply(new Received(bytes, from, at)));
      }
    } catch (ClosedChannelException closed) {
      // the actor stopped and closed its socket
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(Udp.class).warn("stream socket [{}] failed: {}", channel, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a socket that failed: nothing left to do
    }
  }
}
