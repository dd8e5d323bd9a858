package org.sidis.server;

/**
 * The work a server does for one request: a payload in, a result out. It may block (it runs on
 * the server's blocking dispatcher). An exception it throws is a <em>crash</em>: the worker is
 * restarted and the request re-dispatched, so a handler must not leave half an effect behind
 * when it throws — application errors the client should see are encoded in the result.
 */
@FunctionalInterface
public interface Handler {
  String handle(String payload) throws Exception;

  /**
   * True for a request this handler answers at once without blocking: a concurrent server with
   * local workers runs it in the dispatcher itself and answers directly, saving the hand-off to
   * a worker thread. Must be cheap (it is asked for every request) and must not throw.
   */
  default boolean answersInPlace(String payload) {
    return false;
  }
}
