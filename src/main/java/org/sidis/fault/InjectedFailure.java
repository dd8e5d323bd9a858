package org.sidis.fault;

/**
 * A failure thrown on purpose by an actor that {@link FaultInjector} picked, to show supervision
 * at work: the actor crashes as a bug would make it crash, and its supervisor restarts it.
 */
public final class InjectedFailure extends RuntimeException {
  public InjectedFailure(String target, String what) {
    super("injected failure in " + target + " on " + what + " (sidis.fault.inject." + target + ")");
  }
}
