package org.sidis.multicast;

import org.sidis.trace.Events;

/** The delivery order a group promises (the notes' "Ordem FIFO", "Ordem Causal"). */
public enum Order {
  /** If a member multicasts m1 and then m2, every member delivers m1 before m2. */
  FIFO(Events.Proto.FIFO),
  /** If m1 causally precedes m2, every member delivers m1 before m2 (Birman–Schiper–Stephenson). */
  CAUSAL(Events.Proto.CAUSAL),
  /** Every member delivers the messages in the same order: one sequencer numbers them ({@link TotalOrder}). */
  TOTAL(Events.Proto.TOTAL);

  private final String id;

  Order(String id) {
    this.id = id;
  }

  /** The name used in config, traces ({@code proto}, the checkers' name for it) and on the command line. */
  public String id() {
    return id;
  }

  public static Order parse(String s) {
    for (Order o : values()) if (o.id().equalsIgnoreCase(s.trim())) return o;
    throw new IllegalArgumentException("unknown multicast order [" + s + "]; expected fifo, causal or total");
  }
}
