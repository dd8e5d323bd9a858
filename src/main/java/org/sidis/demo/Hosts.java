package org.sidis.demo;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Where the nodes of a demo run: all on loopback (the default: one address, one port each), or
 * each in a Linux network namespace of its own with its own address on a bridge
 * ({@link Netns}), so nodes bind and advertise distinct addresses as on separate machines and a
 * partition can be cut between them.
 */
public interface Hosts extends AutoCloseable {

  enum Kind {
    LOOPBACK, NETNS;

    public static Kind parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "loopback" -> LOOPBACK;
        case "netns" -> NETNS;
        default -> throw new IllegalArgumentException("--hosts must be loopback or netns, got [" + s + "]");
      };
    }
  }

  Kind kind();

  /** The address node {@code node} binds and advertises; others reach it there. */
  String address(String node);

  /**
   * The command that runs {@code java} (a full {@code java …} command line) as node
   * {@code node}, making the node's host first if it has none yet.
   */
  List<String> command(String node, List<String> java);

  /** Whether {@link #cut} works: only hosts with a network between them can be partitioned. */
  boolean canPartition();

  /** Drops every packet between each node of {@code side} and each of {@code other}, both ways. */
  void cut(Collection<String> side, Collection<String> other);

  /** Removes every cut. */
  void healAll();

  /** Removes everything these hosts made; safe to call twice and from a shutdown hook. */
  @Override
  void close();

  /** All nodes on 127.0.0.1: nothing to make, nothing to cut. */
  static Hosts loopback() {
    return new Hosts() {
      @Override
      public Kind kind() {
        return Kind.LOOPBACK;
      }

      @Override
      public String address(String node) {
        return "127.0.0.1";
      }

      @Override
      public List<String> command(String node, List<String> java) {
        return java;
      }

      @Override
      public boolean canPartition() {
        return false;
      }

      @Override
      public void cut(Collection<String> side, Collection<String> other) {
        throw new UnsupportedOperationException("loopback hosts share one network: partitions need --hosts netns");
      }

      @Override
      public void healAll() {
      }

      @Override
      public void close() {
      }
    };
  }
}
