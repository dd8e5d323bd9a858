package org.sidis.node;

import org.sidis.fault.Supervision;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import com.typesafe.config.Config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A room's door into a node: the word in {@code sidis.node.services} that starts it, the services
 * it needs started before it, and the actors it spawns, built from its settings. The node's
 * guardian spawns them and supervises each one with the node's one restart policy
 * ({@link Supervision}); it knows nothing else about the room. This is how Akka's own
 * extensions plug into an ActorSystem: the host knows the interface, not the extension.
 */
public interface Service {

  /** The word in {@code sidis.node.services} that starts this service. */
  String name();

  /** The services that must appear before this one in {@code sidis.node.services}. */
  default List<String> needs() {
    return List.of();
  }

  /**
   * Reads the service's settings from the node's config and returns the actors to spawn. A
   * setting that makes no sense is an {@link IllegalArgumentException} naming it: the node
   * refuses to start.
   */
  List<Spawn<?>> spawns(Context node);

  /** What a service may know of the node that starts it. */
  interface Context {
    /** The node's name, unique in the cluster ({@code sidis.node.name}). */
    String node();

    /** The node's whole config: the service reads its own section. */
    Config config();

    /** The node's seed for the randomness of its services ({@code sidis.node.seed}). */
    long seed();

    ActorSystem<?> system();

    /**
     * An actor that a service started earlier on this node offers under {@code key}; an
     * {@link IllegalArgumentException} naming what is missing when none does.
     */
    <T> ActorRef<T> lookup(Key<T> key);
  }

  /**
   * A handle under which one service offers an actor to the services started after it on the
   * same node (a chat workload finds its group's member this way).
   */
  record Key<T>(String id, Class<T> protocol) {
    public Key {
      Objects.requireNonNull(id);
      Objects.requireNonNull(protocol);
    }
  }

  /**
   * One actor to spawn: its name, its behavior, its props, the key it is offered under (or null),
   * and whether its children keep running when it restarts ({@code keepsChildren}: an actor
   * whose state lives in its children — a queue manager and its queues — restarts alone, so a
   * crash in it loses none of their state).
   */
  record Spawn<T>(String name, Behavior<T> behavior, Props props, Key<T> offers, boolean keepsChildren) {
    public Spawn {
      Objects.requireNonNull(name);
      Objects.requireNonNull(behavior);
      Objects.requireNonNull(props);
    }

    public static <T> Spawn<T> of(String name, Behavior<T> behavior) {
      return new Spawn<>(name, behavior, Props.empty(), null, false);
    }

    public Spawn<T> offeredAs(Key<T> key) {
      return new Spawn<>(name, behavior, props, key, keepsChildren);
    }

    public Spawn<T> withProps(Props p) {
      return new Spawn<>(name, behavior, p, offers, keepsChildren);
    }

    /** Its children keep running when it restarts; it must take them up again when it starts. */
    public Spawn<T> keepingChildren() {
      return new Spawn<>(name, behavior, props, offers, true);
    }
  }

  /** A service from its parts, for the small ones a class of their own would only wrap. */
  static Service of(String name, List<String> needs, Function<Context, List<Spawn<?>>> spawns) {
    return new Service() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> needs() {
        return needs;
      }

      @Override
      public List<Spawn<?>> spawns(Context node) {
        return spawns.apply(node);
      }

      @Override
      public String toString() {
        return "service " + name;
      }
    };
  }
}
