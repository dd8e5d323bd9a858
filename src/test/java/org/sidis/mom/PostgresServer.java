package org.sidis.mom;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server for the tests that use one: the server named by {@code SIDIS_PG_URL}
 * (with {@code SIDIS_PG_USER}, {@code SIDIS_PG_PASSWORD}) when set, otherwise a private
 * throw-away cluster on loopback made with Debian's {@code initdb} and {@code pg_ctl} (package
 * {@code postgresql}), run as the {@code postgres} user when the tests run as root.
 * {@link #start} says why in {@link Unavailable} when neither can be had, so a test can skip
 * with that reason.
 */
final class PostgresServer implements AutoCloseable {

  static final class Unavailable extends Exception {
    Unavailable(String reason) {
      super(reason);
    }
  }

  final String url;
  final String user;
  final String password;
  private final Path dataDir;
  private final List<String> asPostgres;
  private final Path bin;

  private PostgresServer(String url, String user, String password, Path dataDir, List<String> asPostgres, Path bin) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.dataDir = dataDir;
    this.asPostgres = asPostgres;
    this.bin = bin;
  }

  /** The store settings that point a node's persistent queues at this server. */
  Config storeConfig() {
    return ConfigFactory.parseMap(Map.of(
        "akka-persistence-jdbc.shared-databases.sidis.profile", "slick.jdbc.PostgresProfile$",
        "akka-persistence-jdbc.shared-databases.sidis.db.url", url,
        "akka-persistence-jdbc.shared-databases.sidis.db.driver", "org.postgresql.Driver",
        "akka-persistence-jdbc.shared-databases.sidis.db.user", user,
        "akka-persistence-jdbc.shared-databases.sidis.db.password", password));
  }

  static PostgresServer start() throws Unavailable {
    String shared = System.getenv("SIDIS_PG_URL");
    if (shared != null && !shared.isBlank()) {
      return new PostgresServer(shared, envOr("SIDIS_PG_USER", "sidis"), envOr("SIDIS_PG_PASSWORD", "sidis"), null, List.of(), null);
    }
    Path bin = findBin();
    if (bin == null) {
      throw new Unavailable("no PostgreSQL: neither SIDIS_PG_URL is set nor Debian's postgresql installed "
          + "(apt-get install -y postgresql)");
    }
    List<String> asPostgres = new ArrayList<>();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) asPostgres.addAll(List.of("runuser", "-u", "postgres", "--"));
    try {
      Path dir = Files.createTempDirectory("sidis-pg-");
      if (root) run(List.of("chown", "postgres:postgres", dir.toString()));
      Path data = dir.resolve("data");
      int port = freePort();
      run(cmd(asPostgres, bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "sidis",
          "--no-sync"));
      run(cmd(asPostgres, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
          dir.resolve("server.log").toString(), "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"));
      run(cmd(asPostgres, bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "sidis", "sidis"));
      return new PostgresServer("jdbc:postgresql://127.0.0.1:" + port + "/sidis", "sidis", "", data, asPostgres, bin);
    } catch (IOException | InterruptedException e) {
      throw new Unavailable("a private PostgreSQL could not be started with " + bin + ": " + e.getMessage());
    }
  }

  @Override
  public void close() throws Exception {
    if (dataDir == null) return;
    run(cmd(asPostgres, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"));
    run(List.of("rm", "-rf", dataDir.getParent().toString()));
  }

  private static Path findBin() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) return null;
    try (var versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Path::compareTo).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> cmd(List<String> prefix, String... args) {
    List<String> c = new ArrayList<>(prefix);
    c.addAll(List.of(args));
    return c;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    // Output to a file, not a pipe read to its end: a server the command forks may hold the
    // pipe open for its whole life, and a read to the end would then never return.
    java.nio.file.Path log = java.nio.file.Files.createTempFile("sidis-pg-", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = p.waitFor(120, TimeUnit.SECONDS);
      if (!finished) p.destroyForcibly();
      if (!finished || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + (finished ? " failed: " : " did not finish in 120 s: ")
            + java.nio.file.Files.readString(log).strip());
      }
    } finally {
      java.nio.file.Files.deleteIfExists(log);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }
}
