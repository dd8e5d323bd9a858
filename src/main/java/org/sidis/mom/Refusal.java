package org.sidis.mom;

/**
 * What kind of refusal a {@link QueueProtocol.Refused} or {@link BrokerProtocol.Rejected} is, so
 * a caller (the HTTP gateway's status codes, issue 18) decides by type instead of by reading the
 * reason's words. The reason stays the sentence for people.
 */
public enum Refusal {
  /** The command itself is malformed: a blank or reserved name, a missing field, an operation not allowed on that queue. */
  INVALID,
  /** The queue, topic or subscription named does not exist here (create-on-demand off, or never made). */
  NOT_FOUND,
  /** The message is larger than {@code sidis.mom.max-message-bytes}. */
  TOO_LARGE,
  /** The command conflicts with the state it met: an ack of a delivery not in flight, a subscription held otherwise, ... */
  CONFLICT,
  /** The broker cannot route the message as it is: not JSON, not an object, no rule matched, a transform failed. */
  UNPROCESSABLE,
  /** Someone the command depends on did not answer in time. */
  UNAVAILABLE
}
