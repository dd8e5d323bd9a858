package org.sidis.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A benchmark's child JVM does not outlive the JVM that started it: a parent JVM starts a child
 * that holds its stdin open forever, prints the child's pid, and is then killed with SIGKILL.
 * Negative control: a child that does not call {@link ChildJvm#exitWithParent} stays alive.
 */
class ChildJvmTest {

  /** The child: optionally watches its parent, then sleeps; its stdin is never read to its end. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      if (args[0].equals("watch")) ChildJvm.exitWithParent();
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  /** The parent: starts the child, prints its pid, and waits to be killed. */
  public static final class Parent {
    public static void main(String[] args) throws Exception {
      Process child = new ProcessBuilder(ChildJvm.command(List.of("-Xmx64m"), Child.class.getName(), List.of(args[0]))).start();
      // Only once the child runs (and watches): killed before that, its parent would already be init.
      String ready = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
      System.out.println("child " + child.pid() + " " + ready);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  private static ProcessHandle orphanOf(String mode) throws Exception {
    Process parent = new ProcessBuilder(ChildJvm.command(List.of("-Xmx64m"), Parent.class.getName(), List.of(mode)))
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      java.util.concurrent.CompletableFuture<String> line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String first = line.get(60, TimeUnit.SECONDS);
      assertNotNull(first, "the parent printed nothing");
      assertTrue(first.startsWith("child ") && first.endsWith(" ready"), first);
      ProcessHandle child = ProcessHandle.of(Long.parseLong(first.split(" ")[1])).orElseThrow();
      parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no stdin closed on purpose
      return child;
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aChildThatWatchesItsParentExitsWhenTheParentIsKilled() throws Exception {
    ProcessHandle child = orphanOf("watch");
    try {
      child.onExit().get(60, TimeUnit.SECONDS);
      assertFalse(child.isAlive());
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void negativeControlAChildThatDoesNotWatchOutlivesItsKilledParent() throws Exception {
    ProcessHandle child = orphanOf("none");
    try {
      Thread.sleep(3_000); // the watching child exits within milliseconds of its parent; this one must not
      assertTrue(child.isAlive(), "a child without the watch exited too: the test could not tell them apart");
    } finally {
      child.destroyForcibly();
    }
  }
}
