package org.sidis.gossip;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.sidis.wire.CborSerializable;

import java.util.List;

/**
 * Everything gossip nodes say to each other. One anti-entropy exchange is told in three
 * messages, as Cassandra's Gossiper tells it: {@link Syn} (my digest), {@link Ack} (what you
 * lack of mine, and my digest if I lack some of yours), {@link Ack2} (what you lack of mine).
 * Rumor mongering pushes {@link Rumor}s and hears {@link Feedback}; flooding forwards
 * {@link Flood}s; a replica that finds itself behind its peers' memory of deletions offers
 * its items to their dormant keepers in a {@link Recheck}.
 */
public sealed interface GossipMessage extends GossipNode.Command, CborSerializable {

  String group();

  String from();

  /** Updates or digest entries carried: the {@code count} of the {@code send} trace line. */
  @JsonIgnore
  int count();

  /** Updates carried for the receiver to store (0 for digests, feedback and rechecks). */
  @JsonIgnore
  default int updates() {
    return 0;
  }

  /** The message's name in traces. */
  @JsonIgnore
  default String kind() {
    return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  /** A message whose load is a list of entries: its count is theirs. */
  sealed interface Carrying extends GossipMessage permits Rumor, Flood, Recheck {
    List<Entry> entries();

    @Override
    @JsonIgnore
    default int count() {
      return entries() == null ? 0 : entries().size();
    }
  }

  /** Opens an anti-entropy exchange: the initiator's digest. */
  record Syn(String group, String from, Digest digest) implements GossipMessage {
    @Override
    public int count() {
      return digest == null ? 0 : digest.size();
    }
  }

  /**
   * The answer to a {@link Syn}: what the initiator lacks ({@code delta}, in pull and push-pull),
   * the responder's digest when it lacks something ({@code digest}, in push and push-pull), and
   * whether the initiator is {@code behind} the responder's memory of deletions.
   */
  record Ack(String group, String from, Digest digest, Delta delta, boolean behind) implements GossipMessage {
    @Override
    public int count() {
      return (digest == null ? 0 : digest.size()) + (delta == null ? 0 : delta.count());
    }

    @Override
    public int updates() {
      return delta == null ? 0 : delta.count();
    }
  }

  /** Closes an exchange: what the responder lacks; also a keeper's reply to a {@link Recheck}. */
  record Ack2(String group, String from, Delta delta, boolean behind) implements GossipMessage {
    @Override
    public int count() {
      return delta == null ? 0 : delta.count();
    }

    @Override
    public int updates() {
      return count();
    }
  }

  /** Hot rumors pushed to a random peer. */
  record Rumor(String group, String from, List<Entry> entries) implements Carrying {
    @Override
    public int updates() {
      return count();
    }
  }

  /** The ids of the pushed rumors the peer already knew: the sender's cue to lose interest. */
  record Feedback(String group, String from, List<String> known) implements GossipMessage {
    @Override
    public int count() {
      return known == null ? 0 : known.size();
    }
  }

  /** Updates forwarded to a neighbour that had not been sent them. */
  record Flood(String group, String from, List<Entry> entries) implements Carrying {
    @Override
    public int updates() {
      return count();
    }
  }

  /** Items offered to the keepers of their keys: does a dormant certificate kill any of them? */
  record Recheck(String group, String from, List<Entry> entries) implements Carrying {}
}
