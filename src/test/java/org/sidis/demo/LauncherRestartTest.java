package org.sidis.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Launcher#restart} refuses what it cannot do; restarting a killed node is exercised by QueuesDemoIT and LogDemoIT. */
class LauncherRestartTest {

  @TempDir
  Path dir;

  @Test
  void restartingANodeThatWasNeverStartedIsRefusedNamingTheNodes() {
    try (Launcher launcher = new Launcher(Launcher.newRunDir(dir, "t"), new PrintStream(new ByteArrayOutputStream()))) {
      var e = assertThrows(IllegalArgumentException.class, () -> launcher.restart("n7", List.of(), List.of()));
      assertEquals("no node [n7] to restart; nodes: []", e.getMessage());
    }
  }
}
