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
}
