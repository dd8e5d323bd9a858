package org.sidis.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar target/sidis.jar ARGS} as a real process and keeps what it printed. */
record SidisProcess(int exitCode, String output) {

  static SidisProcess run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    Path jar = Path.of("target", "sidis.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException("run 'mvn package' first: " + jar + " is missing");
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("sidis-it", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      List<ProcessHandle> nodes = p.descendants().toList(); // before the launcher goes: its node JVMs
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      nodes.forEach(ProcessHandle::destroyForcibly); // a hung run leaves no JVM behind
      if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("sidis " + String.join(" ", args) + " survived SIGKILL");
      throw new AssertionError("sidis " + String.join(" ", args) + " did not finish within " + timeoutSeconds + "s:\n"
          + Files.readString(out, StandardCharsets.UTF_8));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    return new SidisProcess(p.exitValue(), text);
  }
}
