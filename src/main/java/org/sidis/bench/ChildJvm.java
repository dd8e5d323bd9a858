package org.sidis.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that a benchmark starts (a workload of {@code bench all}, a
 * peer's server or members): this JVM's {@code java}, the given options, this JVM's Logback
 * configuration (so children log as the parent does: {@code bin/sidis} points Logback at
 * {@code conf/logback.xml}), this JVM's class path, then the main class and its arguments.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * In a child JVM: halts it when the JVM that started it is gone. Waiting for stdin to close is
   * not enough: a JGroups member whose benchmark died stayed blocked on its stdin for 100 minutes
   * here, flooding on a core, and made a later test run time out. The parent is the process that
   * started this one; if it is gone already, init is, and nothing happens.
   */
  public static void exitWithParent() {
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("the JVM that started this one (pid " + parent.pid() + ") is gone: exiting");
      Runtime.getRuntime().halt(3);
    }));
  }

  public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) cmd.add("-Dlogback.configurationFile=" + logback);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    return cmd;
  }
}
