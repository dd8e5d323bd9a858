package org.sidis.tiers;

import java.util.Optional;

/**
 * A rule that picks the application server for a request: a switch (which looks at the servers
 * only) or a distributor (which also looks at the document asked for). A plain value with no
 * I/O: the {@link FrontEndCore} asks it, the tests drive it directly.
 */
public interface Distribution<S> {

  /** The server for document {@code key} among the pool's routable servers, or empty when none is. */
  Optional<S> choose(int key, ServerPool<S> pool);

  /** {@code server} left the pool: forget what was decided about it. */
  default void forget(S server) {}
}
