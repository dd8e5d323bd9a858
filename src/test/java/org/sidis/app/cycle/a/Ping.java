package org.sidis.app.cycle.a;

/** Half of a deliberate import cycle: the negative control of ArchitectureTest's cycle rule. */
public final class Ping {
  public org.sidis.app.cycle.b.Pong pong;
}
