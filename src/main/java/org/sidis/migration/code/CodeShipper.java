package org.sidis.migration.code;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import org.sidis.migration.code.CodeProtocol.Answer;
import org.sidis.migration.code.CodeProtocol.Command;
import org.sidis.migration.code.CodeProtocol.Offer;
import org.sidis.migration.code.CodeProtocol.Outcome;
import org.sidis.migration.code.CodeProtocol.Part;
import org.sidis.migration.code.CodeProtocol.Proceed;
import org.sidis.migration.code.CodeProtocol.Refused;
import org.sidis.migration.code.CodeProtocol.Running;

/**
 * One shipment of one code unit to one host (weak mobility, sender's side): it announces the
 * unit with its digest, waits for the host to admit the offer, then sends the bytes in parts
 * under Artery's frame, and hands the host's answer — the job running there, or the refusal —
 * to whoever asked. It stops after the answer, or after {@code transfer-timeout} with a
 * {@link Refusal#TIMEOUT}: a host that vanished never leaves the sender waiting.
 */
final class CodeShipper {

  private enum Expired implements Answer { INSTANCE }

  private CodeShipper() {}

  static Behavior<Answer> create(CodeUnit unit, ActorRef<Command> to, ActorRef<Outcome> replyTo, CodeSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      CodeTrace trace = new CodeTrace(ctx);
      byte[] bytes = unit.encode();
      byte[][] parts = Assembly.cut(bytes, settings.partBytes());
      String peer = CodeTrace.nodeOf(ctx, to);
      trace.ship(unit.name(), unit.digest(), peer, bytes.length, parts.length);
      ctx.getLog().info("[{}] offering [{}] sha256 [{}] ({} bytes, {} parts) to [{}]", unit.name(), unit.entry(), unit.digest().shortHex(),
          bytes.length, parts.length, to);
      to.tell(new Offer(unit.name(), unit.digest().hex(), bytes.length, parts.length, trace.node(), ctx.getSelf()));
      timers.startSingleTimer(Expired.INSTANCE, settings.transferTimeout());
      return Behaviors.receive(Answer.class)
          .onMessage(Proceed.class, p -> {
            for (int i = 0; i < parts.length; i++) to.tell(new Part(ctx.getSelf(), i, parts[i]));
            return Behaviors.same();
          })
          .onMessage(Running.class, r -> {
            ctx.getLog().info("[{}] runs at [{}] as [{}]", unit.name(), r.node(), r.job());
            replyTo.tell(r);
            return Behaviors.stopped();
          })
          .onMessage(Refused.class, r -> {
            ctx.getLog().warn("[{}] refused by [{}]: {} {}", unit.name(), to, r.reason(), r.detail());
            replyTo.tell(r);
            return Behaviors.stopped();
          })
          .onMessageEquals(Expired.INSTANCE, () -> {
            String detail = "no answer from " + to + " within sidis.migration.code.transfer-timeout = " + settings.transferTimeout();
            ctx.getLog().warn("[{}] {}", unit.name(), detail);
            replyTo.tell(new Refused(unit.name(), unit.digest().hex(), Refusal.TIMEOUT, detail));
            return Behaviors.stopped();
          })
          .build();
    }));
  }
}
