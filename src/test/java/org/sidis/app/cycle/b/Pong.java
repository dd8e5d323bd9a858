package org.sidis.app.cycle.b;

/** The other half of the deliberate import cycle (see Ping). */
public final class Pong {
  public org.sidis.app.cycle.a.Ping ping;
}
