package org.sidis.server;

/**
 * The rules of one port of a superserver (inetd): the service behind it runs only while it is
 * wanted. The first request starts it (a cold start); it stops once no request has been in
 * flight for {@code idleNanos}. Time is given, never read, so tests drive it as a value.
 */
public final class PortCore {

  /** What to do with a request. */
  public enum Admission { START_THEN_FORWARD, FORWARD }

  private final long idleNanos;
  private boolean running;
  private int inFlight;
  private long lastActivity;
  private long coldStarts;
  private long stops;

  public PortCore(long idleNanos) {
    this.idleNanos = idleNanos;
  }

  public Admission onRequest(long now) {
    lastActivity = now;
    inFlight++;
    if (running) return Admission.FORWARD;
    running = true;
    coldStarts++;
    return Admission.START_THEN_FORWARD;
  }

  public void onAnswered(long now) {
    lastActivity = now;
    if (inFlight > 0) inFlight--;
  }

  /** The service died on its own: the next request starts it again; what it held is lost. */
  public void onServiceGone() {
    running = false;
    inFlight = 0;
  }

  /** True when the service should be stopped now. */
  public boolean onIdleCheck(long now) {
    if (!running || inFlight > 0 || now - lastActivity < idleNanos) return false;
    running = false;
    stops++;
    return true;
  }

  public boolean running() {
    return running;
  }

  public long coldStarts() {
    return coldStarts;
  }

  public long stops() {
    return stops;
  }
}
