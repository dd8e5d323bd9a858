package org.sidis.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sidis tls init} and {@code --tls}: bad words are usage errors; missing keys stop a node before it starts. */
@Timeout(120)
class TlsCommandTest {

  @TempDir
  Path dir;

  @Test
  void bareTlsAndABadNodeCountOrNameAreUsageErrors() {
    SidisCommandLineTest.Run bare = SidisCommandLineTest.sidis("tls");
    assertEquals(ExitCodes.USAGE, bare.code(), bare.all());
    assertTrue(bare.err().contains("a subcommand is needed: init"), bare.all());
    for (String nodes : new String[] {"0", "1001", "n1,bad name", "n1,../etc"}) {
      SidisCommandLineTest.Run run = SidisCommandLineTest.sidis("tls", "init", dir.toString(), "--nodes", nodes);
      assertEquals(ExitCodes.USAGE, run.code(), "--nodes " + nodes + ": " + run.all());
    }
    SidisCommandLineTest.Run typo = SidisCommandLineTest.sidis("tls", "init", dir.toString(), "--node", "3");
    assertEquals(ExitCodes.USAGE, typo.code(), typo.all());
    assertTrue(typo.err().contains("--nodes"), "suggests --nodes: " + typo.all());
    assertTrue(!Files.exists(dir.resolve("ca.pem")), "nothing was made");
  }

  @Test
  void aNodeWithoutItsKeysInTheTlsDirectoryIsAUsageErrorNamingWhatIsMissing() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    SidisCommandLineTest.Run run;
    try {
      run = SidisCommandLineTest.sidis("node", "--name", "n7", "--port", "0", "--tls", dir.toString());
    } finally {
      System.setErr(stderr);
    }
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.USAGE, run.code(), run.all() + said);
    assertTrue(said.contains("ca.pem") && said.contains("n7.p12") && said.contains("sidis tls init " + dir + " --nodes n7"), said);
  }

  @Test
  void demoTlsWithADirectoryThatLacksTheDemosNodesIsAUsageError() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    SidisCommandLineTest.Run run;
    try {
      run = SidisCommandLineTest.sidis("demo", "causal", "--tls", dir.toString(), "--runs-dir", dir.resolve("runs").toString());
    } finally {
      System.setErr(stderr);
    }
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.USAGE, run.code(), run.all() + said);
    assertTrue(said.contains("--nodes n1,n2,n3,n4"), said);
    assertTrue(!Files.exists(dir.resolve("runs")), "no run started");
  }
}
