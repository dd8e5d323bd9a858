package org.sidis.tiers;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import org.sidis.tiers.TiersProtocol.DataCommand;
import org.sidis.tiers.TiersProtocol.Found;
import org.sidis.tiers.TiersProtocol.NotFound;
import org.sidis.tiers.TiersProtocol.Read;

import java.time.Duration;

/**
 * The third tier: a store of {@code documents} documents of {@code size} bytes, keys
 * 0 … documents−1, held in memory and read at a configurable cost. A read is answered after
 * {@code readCost} on a timer, so reads overlap as they would on a disk array or a database
 * with a connection pool, and the data tier's actor never blocks.
 *
 * <p>In memory rather than H2: the documents never change (each is a fixed function of its key,
 * {@link Documents}), so a database would add only its own latency, which {@code read-cost}
 * models explicitly and reproducibly; what the tiers measure is where replies travel and what
 * the application servers' caches hold, not a database.
 */
public final class DataTier {

  private DataTier() {}

  public static Behavior<DataCommand> create(int documents, int size, Duration readCost) {
    return Behaviors.setup(ctx -> {
      String[] store = new String[documents];
      for (int k = 0; k < documents; k++) store[k] = Documents.content(k, size);
      ctx.getSystem().receptionist().tell(Receptionist.register(TiersProtocol.DATA_TIER, ctx.getSelf()));
      ctx.getLog().info("data tier: {} documents of {} bytes, read cost {}", documents, size, readCost);
      return Behaviors.receive(DataCommand.class)
          .onMessage(Read.class, r -> {
            if (r.key() < 0 || r.key() >= documents) {
              r.replyTo().tell(new NotFound(r.key(), documents));
            } else if (readCost.isZero()) {
              r.replyTo().tell(new Found(r.key(), store[r.key()]));
            } else {
              ctx.scheduleOnce(readCost, r.replyTo(), new Found(r.key(), store[r.key()]));
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
