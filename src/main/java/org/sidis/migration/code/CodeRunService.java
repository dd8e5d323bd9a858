package org.sidis.migration.code;

import com.typesafe.config.Config;
import org.sidis.node.Service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Service {@code code-run} (needs {@code code}): runs the unit {@code sidis.migration.code.run}
 * names at the node it names, pushing it there from this node's jar or fetching it here
 * ({@link RunAt}). A jar that cannot be read or holds no such entry stops the node at start
 * with the reason.
 */
public final class CodeRunService implements Service {

  public static final String NAME = "code-run";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> needs() {
    return List.of(CodeService.NAME);
  }

  @Override
  public List<Spawn<?>> spawns(Context node) {
    Config c = node.config().getConfig("sidis.migration.code.run");
    String name = c.getString("unit");
    String at = c.getString("at");
    CodeUnit unit = null;
    if (!c.getString("jar").isEmpty()) {
      Path jar = Path.of(c.getString("jar"));
      if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("sidis.migration.code.run.jar = " + jar + ": no such file");
      try {
        unit = CodeUnit.fromJar(name, c.getString("entry"), jar);
      } catch (IOException e) {
        throw new IllegalArgumentException("sidis.migration.code.run.jar = " + jar + ": " + e.getMessage(), e);
      }
    } else if (!at.isEmpty() && !at.equals(node.node())) {
      throw new IllegalArgumentException("sidis.migration.code.run.at = " + at + " ships code to another node: it needs sidis.migration.code.run.jar");
    } else if (name.isEmpty()) {
      throw new IllegalArgumentException("sidis.migration.code.run: name a unit (unit) to fetch, or a jar to publish");
    }
    RunAt.Settings s = new RunAt.Settings(unit, name, at, c.getStringList("input"), c.getDuration("give-up"));
    return List.of(Spawn.of("code-run", RunAt.create(s, node.lookup(CodeService.HOST))));
  }
}
