package org.sidis.app;

import org.sidis.bench.BenchServices;
import org.sidis.demo.DemoServices;
import org.sidis.gossip.GossipService;
import org.sidis.migration.MigrationService;
import org.sidis.migration.PlacerService;
import org.sidis.migration.code.CodeRunService;
import org.sidis.migration.code.CodeService;
import org.sidis.mom.LogService;
import org.sidis.mom.QueueService;
import org.sidis.multicast.MulticastService;
import org.sidis.node.Service;
import org.sidis.stream.StreamService;
import org.sidis.tiers.TiersService;

import java.util.ArrayList;
import java.util.List;

/**
 * The composition root: every service a sidis node can start, by the word that names it in
 * {@code sidis.node.services}. A new room adds its service here and nowhere else.
 */
public final class Services {

  private Services() {}

  public static List<Service> all() {
    List<Service> all = new ArrayList<>(List.of(
        new MulticastService(),
        new GossipService(),
        new QueueService(),
        new LogService(),
        new StreamService(),
        new MigrationService(),
        new PlacerService(),
        new CodeService(),
        new CodeRunService()));
    all.addAll(TiersService.all());
    all.addAll(DemoServices.all());
    all.addAll(BenchServices.all());
    return List.copyOf(all);
  }
}
