package org.sidis.demo;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;

import java.util.Iterator;
import java.util.function.Function;

/**
 * The current incarnation of a service that a workload finds through the Receptionist (a queue
 * manager, an event log). A node killed and restarted under the same name registers a new
 * actor under the same key: the workload follows it, and learns from {@link #onListing} whether
 * the listing named the first incarnation, a new one, none (the old one is gone and the last
 * known one is kept until its successor appears), or nothing new.
 */
final class FollowedService<T> {

  /** What a listing changed. */
  enum Change { NOTHING, FIRST, NEW_INCARNATION, GONE }

  private final ServiceKey<T> key;
  private ActorRef<T> current;

  private FollowedService(ServiceKey<T> key) {
    this.key = key;
  }

  /** Subscribes {@code ctx}'s actor to {@code key}; its listings come wrapped by {@code wrap}. */
  static <T, C> FollowedService<T> subscribe(ActorContext<C> ctx, ServiceKey<T> key, Function<Receptionist.Listing, C> wrap) {
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(key, ctx.messageAdapter(Receptionist.Listing.class, wrap::apply)));
    return new FollowedService<>(key);
  }

  Change onListing(Receptionist.Listing listing) {
    Iterator<ActorRef<T>> listed = listing.getServiceInstances(key).iterator();
    ActorRef<T> now = listed.hasNext() ? listed.next() : null;
    if (now == null) return current == null ? Change.NOTHING : Change.GONE;
    if (now.equals(current)) return Change.NOTHING;
    Change change = current == null ? Change.FIRST : Change.NEW_INCARNATION;
    current = now;
    return change;
  }

  /** The incarnation last listed, or null before the first. */
  ActorRef<T> ref() {
    return current;
  }
}
