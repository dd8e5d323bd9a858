package org.sidis.rpc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asynchronous call (Tanenbaum &amp; van Steen, ch. 4): the caller blocks only until the server
 * acknowledged receipt of the request, not until it ran. Method must return void.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Async {}
