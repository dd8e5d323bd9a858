package org.sidis.demo;

import java.util.Set;

/**
 * One multi-JVM demo of {@code sidis demo}: it checks the options it cares about, starts its
 * nodes through a {@link Launcher}, and prints and returns its verdict (0 passed, 1 failed).
 * Each demo is its own class so that a demo reads from start to verdict in one place.
 */
public abstract class Demo {

  private final String name;
  private final String description;

  /**
   * @param name        the name on the command line, also the name of its settings file {@code conf/<name>.conf}
   * @param description one line for {@code sidis demo --help}
   */
  Demo(String name, String description) {
    this.name = name;
    this.description = description;
  }

  public final String name() {
    return name;
  }

  public final String description() {
    return description;
  }

  /**
   * The options of {@code sidis demo} that only some demos take (such as {@code --json} or
   * {@code --mode}) which this demo takes; the command refuses the others, naming the demos that
   * take them. Options every demo takes are not listed.
   */
  public Set<String> takes() {
    return Set.of();
  }

  /** Why these options do not fit this demo, or null when they do. Checked before anything starts. */
  public String refuse(DemoOptions options) {
    return null;
  }

  /** Runs the demo in {@code run}'s directory; returns the exit code. */
  public abstract int run(DemoRun run);
}
