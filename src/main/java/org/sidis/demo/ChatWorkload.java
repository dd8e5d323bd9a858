package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.Config;
import org.sidis.multicast.GroupEvent;
import org.sidis.multicast.GroupMember;
import org.sidis.wire.Progress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's application: a chat member. Once the group has all its members it multicasts
 * fresh lines at a steady pace and replies at once to some of the lines it delivers — a reply
 * is caused by what it answers, so the run is full of causal chains that a FIFO-only group
 * can deliver out of order somewhere. The group's messages are split evenly among the
 * members; a member is done when it sent its share and every member of its view delivered it
 * (the group says so: {@link GroupEvent.Stable}). Since every member waits for that, once all
 * are done each message of a live member reached every member it was addressed to.
 *
 * <p>A node restarted under its name is a new member (issue 17): it starts again, sends its
 * share again under new message ids, and gets what is multicast after it joined — not the
 * shares sent before, which is why "delivered every message of the run" cannot be its rule.
 */
public final class ChatWorkload extends AbstractBehavior<ChatWorkload.Command> {

  public interface Command {}

  private record Event(GroupEvent event) implements Command {}

  private enum Speak implements Command { INSTANCE }

  private enum Report implements Command { INSTANCE }

  public static Behavior<Command> create(String node, Config chat, ActorRef<GroupMember.Command> member, long seed) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ChatWorkload(ctx, timers, node, chat, member, seed)));
  }

  private final TimerScheduler<Command> timers;
  private final String node;
  private final ActorRef<GroupMember.Command> member;
  private final int messages;
  private final int nodes;
  private final double replyProbability;
  private final Duration interval;
  private final Random random;
  private List<String> members = List.of();
  private List<String> startMembers = List.of();
  private boolean started;
  private boolean done;
  private int quota;
  private int sent;
  private int replies;
  private long delivered;
  private long stableUpTo;
  private boolean notAdmitted;

  private ChatWorkload(ActorContext<Command> ctx, TimerScheduler<Command> timers, String node, Config chat,
                       ActorRef<GroupMember.Command> member, long seed) {
    super(ctx);
    this.timers = timers;
    this.node = node;
    this.member = member;
    this.messages = chat.getInt("messages");
    this.nodes = chat.getInt("nodes");
    this.replyProbability = chat.getDouble("reply-probability");
    this.interval = chat.getDuration("interval");
    this.random = new Random(seed ^ 0x5eed);
    if (messages < 0) throw new IllegalArgumentException("sidis.demo.chat.messages must be >= 0, got [" + messages + "]");
    if (nodes < 1) throw new IllegalArgumentException("sidis.demo.chat.nodes must be >= 1, got [" + nodes + "]");
    member.tell(new GroupMember.Subscribe(ctx.messageAdapter(GroupEvent.class, Event::new)));
    timers.startTimerWithFixedDelay(Report.INSTANCE, chat.getDuration("progress-interval"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Event.class, e -> onEvent(e.event()))
        .onMessage(Speak.class, s -> onSpeak())
        .onMessage(Report.class, r -> onReport())
        .build();
  }

  private Behavior<Command> onEvent(GroupEvent event) {
    if (event instanceof GroupEvent.MembersChanged m) {
      members = new ArrayList<>(m.members());
      if (!started && members.size() >= nodes) start();
      checkDone();
    } else if (event instanceof GroupEvent.Stable st) {
      stableUpTo = Math.max(stableUpTo, st.upToSeq());
      checkDone();
    } else if (event instanceof GroupEvent.NotAdmitted n) {
      notAdmitted = true;
      getContext().getLog().warn("not admitted to the group: {}; its lines are still ordered for the others", n.reason());
    } else if (event instanceof GroupEvent.Delivered d) {
      delivered++;
      if (started && !d.origin().equals(node) && sent < quota && random.nextDouble() < replyProbability) {
        say("re " + d.msgId() + ": " + (d.payload().length() > 24 ? d.payload().substring(0, 24) : d.payload()));
        replies++;
      }
      checkDone();
    }
    return this;
  }

  private void start() {
    started = true;
    startMembers = List.copyOf(members);
    quota = quotaOf(node);
    getContext().getLog().info("chat starts with members {}: my share is [{}] of [{}] messages", members, quota, messages);
    Progress.print("started", Map.of("node", node, "members", members.size(), "quota", quota));
    if (quota > 0) timers.startTimerWithFixedDelay(Speak.INSTANCE, interval);
    checkDone();
  }

  private Behavior<Command> onSpeak() {
    if (sent < quota) say("line " + (sent + 1) + " from " + node);
    if (sent >= quota) timers.cancel(Speak.INSTANCE);
    return this;
  }

  private void say(String text) {
    sent++;
    member.tell(new GroupMember.Multicast(text));
  }

  /** Each member's share of the run's messages, fixed by the members the run started with. */
  private int quotaOf(String member) {
    int index = startMembers.indexOf(member);
    return messages / startMembers.size() + (index < messages % startMembers.size() ? 1 : 0);
  }

  /**
   * Done when this member sent its share and the group says every member of its view delivered
   * it (stable). A member that crashed is not waited for: what of it reached a survivor is
   * delivered by all survivors, which the checkers verify, but how much that is nobody can know
   * here.
   */
  private void checkDone() {
    if (!done && started && sent >= quota && stableUpTo >= sent) {
      done = true;
      getContext().getLog().info("chat done: sent [{}] ([{}] replies), delivered [{}]{}", sent, replies, delivered,
          notAdmitted ? " (not admitted to the group: it delivers nothing)" : "");
      onReport();
      Progress.print("done", Map.of("node", node, "multicast", sent, "replies", replies, "delivered", delivered));
    }
  }

  private Behavior<Command> onReport() {
    Progress.print("progress", Map.of("node", node, "members", members.size(), "multicast", sent, "delivered", delivered));
    return this;
  }
}
