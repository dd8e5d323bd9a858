package org.sidis.migration.code;

/**
 * The trace names of weak mobility ({@code proto} {@code migration}, {@code group} the unit's
 * name, with {@code unit}, {@code digest} and {@code peer} on every line): shared by the
 * emitter ({@link CodeTrace}) and any reader, never a second copy of the string.
 */
public final class CodeEvents {

  /** The {@code proto} of every migration line (weak and strong mobility alike). */
  public static final String PROTO = "migration";
  /** The sender offered a unit to {@code peer} ({@code bytes}, {@code parts}). */
  public static final String SHIP = "code-ship";
  /** A host loaded a unit that {@code peer} sent and started it as an actor ({@code job}). */
  public static final String LOAD = "code-load";
  /** A host refused a unit from {@code peer} ({@code reason}, {@code detail}). */
  public static final String REFUSE = "code-refuse";
  /** A node asked {@code peer} for a unit it lacks. */
  public static final String FETCH = "code-fetch";
  /** The caller got a job's output back: the job ran at {@code peer} ({@code lines}). */
  public static final String RESULT = "code-result";

  private CodeEvents() {}
}
