package org.sidis.mom;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.sidis.mom.BrokerProtocol.*;
import org.sidis.mom.BrokerRules.Destination;
import org.sidis.mom.QueueProtocol.Command;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The message broker (Tanenbaum &amp; van Steen, "Message brokers"): an application sends a
 * message without naming where it goes; the broker's {@link BrokerRules} choose a queue or topic
 * by the message's content and convert it to the format that destination expects. The shell is
 * thin: the rules decide, the queue manager stores, and the sender hears {@link Routed} only once
 * the destination has the message (for a topic, every durable subscription) — or
 * {@link Rejected}, with the reason, never silence.
 */
public final class Broker extends AbstractBehavior<Command> {

  private record Delivered(Send send, BrokerRules.Routed route, Object reply, Throwable failure) implements Command {}

  public static Behavior<Command> create(BrokerRules rules, ActorRef<Command> queueManager, int maxMessageBytes, Duration timeout) {
    return Behaviors.setup(ctx -> new Broker(ctx, rules, queueManager, maxMessageBytes, timeout));
  }

  private final BrokerRules rules;
  private final ActorRef<Command> queueManager;
  private final int maxMessageBytes;
  private final Duration timeout;

  private Broker(ActorContext<Command> ctx, BrokerRules rules, ActorRef<Command> queueManager, int maxMessageBytes, Duration timeout) {
    super(ctx);
    this.rules = rules;
    this.queueManager = queueManager;
    this.maxMessageBytes = maxMessageBytes;
    this.timeout = timeout;
    ctx.getLog().info("broker with {} rules: {}", rules.rules().size(), rules.rules().stream().map(r -> r.name() + " -> " + r.to()).toList());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Send.class, this::onSend)
        .onMessage(Delivered.class, this::onDelivered)
        .build();
  }

  private Behavior<Command> onSend(Send m) {
    if (rules.rules().isEmpty() && rules.unmatched().isEmpty()) {
      m.replyTo().tell(new Rejected(null, m.msgId(), "the broker has no rules (sidis.mom.broker.rules is empty)"));
      return this;
    }
    int bytes = m.payload().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxMessageBytes) {
      m.replyTo().tell(new Rejected(null, m.msgId(), "message of " + bytes + " bytes exceeds sidis.mom.max-message-bytes = " + maxMessageBytes,
          Refusal.TOO_LARGE));
      return this;
    }
    BrokerRules.Outcome outcome = rules.route(m.payload());
    if (outcome instanceof BrokerRules.Refused r) {
      m.replyTo().tell(new Rejected(null, m.msgId(), r.reason(), Refusal.UNPROCESSABLE));
      return this;
    }
    BrokerRules.Routed route = (BrokerRules.Routed) outcome;
    Destination to = route.to();
    if (to.kind() == Destination.Kind.QUEUE) {
      getContext().ask(QueueProtocol.Reply.class, queueManager, timeout,
          ref -> new QueueProtocol.Put(to.name(), m.msgId(), route.payload(), ref),
          (reply, failure) -> new Delivered(m, route, reply, failure));
    } else {
      getContext().ask(Reply.class, queueManager, timeout,
          ref -> new Publish(to.name(), m.msgId(), route.payload(), ref),
          (reply, failure) -> new Delivered(m, route, reply, failure));
    }
    return this;
  }

  private Behavior<Command> onDelivered(Delivered d) {
    String to = d.route().to().toString();
    ActorRef<Reply> replyTo = d.send().replyTo();
    String id = d.send().msgId();
    if (d.failure() != null) {
      replyTo.tell(new Rejected(to, id, "rule [" + d.route().rule() + "] sent it to " + to + ", which did not answer within " + timeout, Refusal.UNAVAILABLE));
    } else if (d.reply() instanceof QueueProtocol.PutAck) {
      replyTo.tell(new Routed(id, d.route().rule(), to, List.of()));
    } else if (d.reply() instanceof Published p) {
      replyTo.tell(new Routed(id, d.route().rule(), to, p.subscriptions()));
    } else if (d.reply() instanceof QueueProtocol.Refused r) {
      replyTo.tell(new Rejected(to, id, r.reason(), r.kind()));
    } else if (d.reply() instanceof Rejected r) {
      replyTo.tell(new Rejected(to, id, r.reason(), r.kind()));
    } else {
      replyTo.tell(new Rejected(to, id, "unexpected answer from " + to + ": " + d.reply()));
    }
    return this;
  }
}
