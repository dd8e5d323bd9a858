package org.sidis.mom;

import org.sidis.node.Service;

import java.util.List;

/** Service {@code log}: the node's partitioned event log (sidis.mom.log). */
public final class LogService implements Service {

  public static final String NAME = "log";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    return List.of(Spawn.of("event-log", LogManager.create(LogSettings.fromConfig(node.config().getConfig("sidis.mom.log")))));
  }
}
