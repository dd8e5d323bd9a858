package org.sidis.migration.code;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import org.sidis.wire.CborSerializable;

import java.util.List;
import java.util.Objects;

/**
 * What shipped code implements: the entry class of a {@link CodeUnit} (public, with a public
 * no-argument constructor) yields the behavior the receiving node runs as an actor — the
 * notes' "mover o codigo para o cliente", e.g. a filter or a sort the client runs next to its
 * data, or a job pushed to an idle server. The host's class path holds this interface and the
 * two messages below; the job's own classes come only over the wire.
 *
 * <p>A job answers each {@link Run} with an {@link Output}. The messages are plain lines of
 * text so that any job can be driven without its classes on the caller's class path.
 */
public interface MobileJob {

  /** The behavior to run at {@code node}; called once, by the host, when the unit is loaded. */
  Behavior<Run> behavior(String node);

  /** Work for the job: the data it runs next to. */
  record Run(List<String> input, ActorRef<Output> replyTo) implements CborSerializable {
    public Run {
      input = List.copyOf(input);
      Objects.requireNonNull(replyTo);
    }
  }

  /** The job's answer, with the node it ran on. */
  record Output(String node, List<String> lines) implements CborSerializable {
    public Output {
      lines = List.copyOf(lines);
    }
  }
}
