package org.sidis.mom;

import akka.actor.typed.ActorRef;
import org.sidis.wire.CborSerializable;

import java.util.List;

/**
 * The messages of the event log (event streaming, the notes' Kafka): what producers and
 * consumers ask a {@link LogManager}, which hands each command to the {@link TopicLog} of the
 * topic it names, and what they answer.
 */
public final class LogProtocol {

  private LogProtocol() {}

  /** Everything a log manager or a topic accepts. */
  public interface Command {}

  /** A command addressed to one topic. */
  public sealed interface TopicCommand extends Command, CborSerializable
      permits Append, Read, Commit, FetchCommitted, Join, Leave {
    String topic();

    ActorRef<Reply> replyTo();
  }

  /**
   * Append a record: to the partition {@code key} hashes to, round-robin when {@code key} is
   * null. Answered {@link AppendAck} once it is stored; a retry with the same {@code msgId}
   * answers the first append's offset.
   */
  public record Append(String topic, String key, String msgId, String value, ActorRef<Reply> replyTo) implements TopicCommand {}

  /** Up to {@code max} records of a partition from offset {@code from}: answered {@link Records}. */
  public record Read(String topic, int partition, long from, int max, ActorRef<Reply> replyTo) implements TopicCommand {}

  /**
   * Consumer group {@code group} has consumed {@code partition} below {@code offset}: answered
   * {@link CommitAck} once stored. A member commits with its name and the {@code generation} of
   * the {@link Assignment} that gave it the partition, from the reply address it joined with;
   * any other commit of a group with members — an older generation, a partition the member no
   * longer owns, a member that left — is answered {@link Fenced} and changes nothing (Kafka's
   * generation fencing). A group without members may be committed to by anyone
   * ({@link #standalone}: no member, generation 0), as a tool that moves a group's offsets would.
   */
  public record Commit(String topic, String group, String member, int generation, int partition, long offset,
                       ActorRef<Reply> replyTo) implements TopicCommand {
    /** A commit made outside any membership: accepted only while the group has no members. */
    public static Commit standalone(String topic, String group, int partition, long offset, ActorRef<Reply> replyTo) {
      return new Commit(topic, group, null, 0, partition, offset, replyTo);
    }
  }

  /** The offset {@code group} resumes {@code partition} from: answered {@link Offset}. */
  public record FetchCommitted(String topic, String group, int partition, ActorRef<Reply> replyTo) implements TopicCommand {}

  /**
   * {@code member} joins consumer group {@code group}: {@code replyTo} receives an
   * {@link Assignment} now and each time the group's members change (a member joins, leaves,
   * or its actor stops).
   */
  public record Join(String topic, String group, String member, ActorRef<Reply> replyTo) implements TopicCommand {}

  /** {@code member} leaves {@code group}; the others are assigned its partitions. */
  public record Leave(String topic, String group, String member, ActorRef<Reply> replyTo) implements TopicCommand {}

  /** Everything a topic answers. */
  public sealed interface Reply extends CborSerializable permits AppendAck, Records, CommitAck, Offset, Assignment, Refused, Fenced {}

  /** The record is stored at {@code offset} of {@code partition}. */
  public record AppendAck(String topic, String msgId, int partition, long offset) implements Reply {}

  /** One stored record, as a reader sees it. */
  public record Entry(long offset, String key, String msgId, String value) implements CborSerializable {}

  /** Records of a partition from {@code from}; {@code end} is the partition's end offset when read. */
  public record Records(String topic, int partition, long from, List<Entry> records, long end) implements Reply {}

  /** The commit is stored. */
  public record CommitAck(String topic, String group, int partition, long offset) implements Reply {}

  /** Where {@code group} resumes {@code partition}. */
  public record Offset(String topic, String group, int partition, long offset) implements Reply {}

  /** The partitions {@code member} reads in {@code group}, in the group's {@code generation}-th assignment. */
  public record Assignment(String topic, String group, String member, List<Integer> partitions, int generation) implements Reply {}

  /**
   * A {@link Commit} refused because it does not come from the current owner of the partition:
   * the group is at {@code currentGeneration}, where {@code owner} reads the partition (null: no
   * member does). {@code reason} says it in words.
   */
  public record Fenced(String topic, String group, int partition, long offset, int generation, int currentGeneration,
                       String owner, String reason) implements Reply {}

  /** The command was not carried out, and why: the reason names the valid range. {@code msgId} may be null. */
  public record Refused(String topic, String msgId, String reason) implements Reply {}
}
