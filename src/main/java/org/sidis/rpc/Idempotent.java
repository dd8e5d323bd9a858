package org.sidis.rpc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Running this method twice has the effect of running it once: the stub may retry it with
 * backoff and fail over to another replica. Unmarked methods are never run on a second replica.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {}
