package org.sidis.rpc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * This method returns at once and never blocks (an echo, a lookup in memory): the skeleton runs
 * it in its own actor and answers directly, without handing it to a worker thread — the hand-off
 * is most of what a stub call costs over a raw Akka ask. Same request-id rules (a retransmission
 * is answered from the reply cache). Unmarked methods run on the worker pool, where blocking is
 * safe. A method that blocks after all stalls every other call to the skeleton while it runs.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NonBlocking {}
