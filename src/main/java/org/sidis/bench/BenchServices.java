package org.sidis.bench;

import com.typesafe.config.Config;
import org.sidis.multicast.MulticastService;
import org.sidis.node.Service;
import org.sidis.node.Service.Spawn;

import java.util.List;

/** The benchmarks' drivers and servers as node services, started in the child JVMs of a bench. */
public final class BenchServices {

  private BenchServices() {}

  public static List<Service> all() {
    return List.of(
        Service.of("bench-multicast", List.of(MulticastService.NAME), n -> {
          Config bench = n.config().getConfig("sidis.bench");
          return List.of(Spawn.of("bench", BenchDriver.create(n.node(), bench, MulticastService.lookup(n, bench.getString("group")))));
        }),
        Service.of("bench-raw", List.of(), n -> List.of(Spawn.of("bench-raw", RawBroadcast.create(n.node(), n.config().getConfig("sidis.bench"))))),
        Service.of("bench-rpc-server", List.of(), n -> {
          Config rpc = n.config().getConfig("sidis.bench.rpc");
          return List.of(Spawn.of("bench-rpc-server", RpcBench.server(rpc.getIntList("workers"), (int) rpc.getDuration("handler").toMillis())));
        }),
        Service.of(MigrationBench.HOST_SERVICE, List.of(),
            n -> List.of(Spawn.of("bench-migration", MigrationBench.host(n.node(), n.config(), n.seed())))));
  }
}
