package org.sidis.trace;

/**
 * The names both sides of the trace contract share (DESIGN.md, "Trace events"): the {@code proto}
 * of each kind of protocol and the {@code event}s it writes. Emitters write them and checkers read
 * them through these constants, never through a second copy of the string. Strings, not enums,
 * so a checker can {@code switch} on an event as read from a file.
 */
public final class Events {

  private Events() {}

  /** Values of the {@code proto} field. */
  public static final class Proto {
    public static final String NODE = "node";
    public static final String FIFO = "fifo";
    public static final String CAUSAL = "causal";
    public static final String TOTAL = "total";
    public static final String GOSSIP = "gossip";
    public static final String RPC = "rpc";
    public static final String QUEUE = "queue";
    public static final String TOPIC = "topic";
    public static final String LOG = "log";
    public static final String STREAM = "stream";
    public static final String MIGRATION = "migration";
    public static final String TIERS = "tiers";

    private Proto() {}
  }

  /** A node's own lines: its start and clean stop, and supervised restarts of its actors. */
  public static final class Node {
    public static final String START = "start";
    public static final String STOP = "stop";
    public static final String RESTART = "restart";

    private Node() {}
  }

  /** Group communication (fifo, causal, total). */
  public static final class Group {
    /** The application hands m to the middleware. */
    public static final String MULTICAST = "multicast";
    /** m arrives from the network. */
    public static final String RECEIVE = "receive";
    /** m is handed to the application. */
    public static final String DELIVER = "deliver";
    public static final String RETRANSMIT = "retransmit";
    public static final String DROP = "drop";
    public static final String REJECT = "reject";
    /** The member's view of the group changed ({@code members}). */
    public static final String VIEW = "view";
    /** A peer refused a message this member sent ({@code by}, {@code reason}). */
    public static final String REFUSED = "refused";

    // The reliable layer.
    /** A message passed on along the overlay ({@code from}, {@code to}). */
    public static final String FORWARD = "forward";
    /** A copy of a message already released or held. */
    public static final String DUPLICATE = "duplicate";
    /** A gap asked of its origin or of the survivors ({@code origin}, {@code from}, {@code to}). */
    public static final String NACK = "nack";
    /** A Hello said again to a peer whose status does not show it yet. */
    public static final String HELLO_AGAIN = "hello-again";
    /** A departed origin's stream given up at its first gap ({@code origin}, {@code released}). */
    public static final String CLOSE = "close";
    /** A closed stream asked for again: a survivor holds more of it ({@code origin}, {@code holder}). */
    public static final String REOPEN = "reopen";

    // Total order: the member's stage, the sequencer and the epoch change.
    /** A member installed an epoch's cut ({@code epoch}, {@code sequencer}, {@code keepUpTo}). */
    public static final String EPOCH = "epoch";
    /** A gap in the assignments asked of the sequencer. */
    public static final String ORDER_NACK = "order-nack";
    /** Assignments sent again to a member that asked for them. */
    public static final String RETRANSMIT_ORDER = "retransmit-order";
    /** Numbers from a sequencer of an epoch this member no longer leads: void. */
    public static final String NUMBERED_VOID = "numbered-void";
    /** The member that leads an epoch started its sequencer actor ({@code epoch}). */
    public static final String SEQUENCER_START = "sequencer-start";
    /** A candidate decided the hand-over and leads the new epoch. */
    public static final String SEQUENCER = "sequencer";
    /** A candidate opened an epoch and asked the members for their state. */
    public static final String FLUSH = "flush";
    public static final String FLUSH_AGAIN = "flush-again";
    public static final String FLUSH_REPLY_AGAIN = "flush-reply-again";
    public static final String NEW_EPOCH_AGAIN = "new-epoch-again";
    /** A candidate or sequencer gave way to a member with a lower name. */
    public static final String STEP_DOWN = "step-down";
    /** A view without a majority of the group: it orders nothing. */
    public static final String MINORITY = "minority";
    /** This member joined after ordering began and is not admitted. */
    public static final String NOT_ADMITTED = "not-admitted";
    /** A member refused a late joiner ({@code member}): it delivers nothing of the group. */
    public static final String REFUSE_JOINER = "refuse-joiner";

    private Group() {}
  }

  /** Gossip: writes, applied updates, messages sent, and the final state line. */
  public static final class Gossip {
    public static final String UPDATE = "update";
    public static final String APPLY = "apply";
    public static final String REACTIVATE = "reactivate";
    public static final String EXPIRE = "expire";
    public static final String SEND = "send";
    public static final String STATE = "state";

    private Gossip() {}
  }

  /** RPC: the stub's call and return, the skeleton's execute and reply. */
  public static final class Rpc {
    public static final String CALL = "call";
    public static final String RETURN = "return";
    public static final String EXECUTE = "execute";
    public static final String REPLY = "reply";

    private Rpc() {}
  }

  /**
   * Queues and topics, traced by producers and consumers; the queue manager traces only the acks
   * its persistent queues journal ({@link #ACK_JOURNALED}).
   */
  public static final class Queue {
    public static final String ATTEMPT = "attempt";
    public static final String PUT = "put";
    public static final String GET = "get";
    /** The consumer's: its ack was confirmed. */
    public static final String ACK = "ack";
    /**
     * The queue's: it journaled a consumer's ack (checked against the delivery) and is about to
     * answer it. The message is consumed, whether or not the consumer lives to hear the answer
     * and trace {@link #ACK} (issue 17: a consumer downed in between left no evidence and the
     * checker counted its message lost).
     */
    public static final String ACK_JOURNALED = "ack-journaled";

    private Queue() {}
  }

  /** The event log, traced by producers and consumers. */
  public static final class Log {
    public static final String APPEND = "append";
    public static final String READ = "read";
    /** The consumer group's handler confirmed the record (at-least-once: commits follow it). */
    public static final String HANDLED = "handled";
    public static final String COMMIT = "commit";

    private Log() {}
  }

  /**
   * Streams ({@code group} the stream id, {@code flow} audio/video, {@code msg} {@code <flow>:<n>},
   * {@code pts_us} the frame's nominal time on the stream's clock): the source's {@code send} of a
   * frame's first transmission, the sink's {@code receive} of every copy that arrives ({@code repair}
   * true for a retransmitted one), {@code play} when it is played out and {@code miss} for a frame
   * number that fell due with nothing to play.
   */
  public static final class Stream {
    public static final String SEND = "send";
    public static final String RECEIVE = "receive";
    public static final String PLAY = "play";
    public static final String MISS = "miss";
    /** The fields of stream lines besides the contract's: the flow, the frame's nominal time, the sink's mode (on play). */
    public static final String FLOW = "flow";
    public static final String PTS_US = "pts_us";
    public static final String MODE = "mode";
    /** The mode word of an isochronous sink, whose plays promise lip sync and frames on time. */
    public static final String ISOCHRONOUS = "isochronous";

    private Stream() {}
  }

  /**
   * Strong mobility ({@code group} the moving actor's name): the client's {@code call} and
   * {@code reply} ({@code msg} the request id, {@code value} returned), the actor's {@code apply}
   * ({@code msg}, {@code value} after applying) where it runs, and each move's {@code move-start},
   * {@code move-switch} ({@code downtime_ms}), {@code move-done} — or {@code move-abort} — on both
   * nodes with {@code peer} and {@code move}; the placer's {@code place-decide} and
   * {@code place-done} / {@code place-abort}.
   */
  public static final class Migration {
    public static final String CALL = "call";
    public static final String REPLY = "reply";
    public static final String APPLY = "apply";
    public static final String MOVE_START = "move-start";
    public static final String MOVE_SWITCH = "move-switch";
    public static final String MOVE_DONE = "move-done";
    public static final String MOVE_ABORT = "move-abort";
    /**
     * The placer's decision (why migrate): move the actor {@code from} a node {@code to} another
     * by {@code policy} ({@code load} or {@code locality}), with what it decided on — {@code loads}
     * (each host's load, from the latest reports), {@code actor_load}, {@code calls} (the actor's
     * last window of calls by caller node) — and {@code reason} in words.
     */
    public static final String PLACE_DECIDE = "place-decide";
    /** The decided move ended: {@code place-done} moved ({@code from}, {@code to}, the source's {@code move} id), {@code place-abort} did not ({@code reason}). */
    public static final String PLACE_DONE = "place-done";
    public static final String PLACE_ABORT = "place-abort";
    /** The fields of the placer's lines and of the move lines they point at. */
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String POLICY = "policy";
    public static final String LOADS = "loads";
    public static final String ACTOR_LOAD = "actor_load";
    public static final String CALLS = "calls";
    public static final String REASON = "reason";
    public static final String MOVE = "move";
    public static final String PEER = "peer";
    public static final String ROLE = "role";
    /** The {@code role} of the source's move lines. */
    public static final String SOURCE = "source";

    private Migration() {}
  }

  /**
   * Server clusters in three tiers ({@code group} {@value Tiers#GROUP}, {@code msg} the front
   * door's request id {@code <front node>:<n>}): the front end's {@code request} (an HTTP request
   * for {@code key} handed to it, with {@code mode} and {@code policy}), {@code route} (sent to the
   * server at {@code server}, {@code attempt} 1, or 2 for the retry after its first server left)
   * and {@code reply} (what the client's HTTP connection was answered: {@code status}, and for a
   * document {@code key}, {@code bytes}, {@code crc} and the serving {@code server}), {@code drop}
   * (a late or duplicate answer, {@code reason}); an application server's {@code serve} (it
   * answered {@code key} with {@code bytes} and {@code crc}, {@code server} its endpoint; requests
   * from its own endpoint, after a redirect, have ids {@code direct-<...>:<n>} and {@code direct}
   * true).
   */
  public static final class Tiers {
    public static final String GROUP = "tiers";
    public static final String REQUEST = "request";
    public static final String ROUTE = "route";
    public static final String REPLY = "reply";
    public static final String DROP = "drop";
    public static final String SERVE = "serve";

    private Tiers() {}
  }
}
