package org.sidis.migration.code;

import org.sidis.node.Service;

import java.util.List;

/**
 * Service {@code code}: this node's {@link CodeHost} (weak mobility), offered to the services
 * started after it under {@link #HOST}, with its settings from {@code sidis.migration.code}.
 */
public final class CodeService implements Service {

  public static final String NAME = "code";
  public static final Key<CodeProtocol.Command> HOST = new Key<>("code-host", CodeProtocol.Command.class);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    CodeSettings s = CodeSettings.fromConfig(node.config().getConfig("sidis.migration.code"));
    return List.of(Spawn.of("code-host", CodeHost.create(s)).offeredAs(HOST));
  }
}
