package org.sidis.node.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Makes a cluster CA and node keys with the JDK's {@code keytool}, run as a subprocess: no
 * cryptography of our own. The keys are EC P-256 (NIST curve secp256r1, what TLS 1.3 peers
 * all speak), the certificates signed with SHA256withECDSA. A node's certificate names it
 * ({@code CN=<name>}) and is good for TLS client and server alike (extended key usage), as
 * Artery's connections go both ways.
 *
 * <p>Passwords are random (24 bytes from {@link SecureRandom}), written to files readable by their
 * owner only, and handed to keytool through its environment ({@code -storepass:env}), so they
 * appear on no command line.
 */
public final class KeyTool {

  /** Days a node certificate is valid: 825, the most browsers accept, and a reminder to rotate. */
  static final int NODE_DAYS = 825;
  /** Days the CA certificate is valid: ten years. */
  static final int CA_DAYS = 3650;
  private static final String PASSWORD_ENV = "SIDIS_TLS_STOREPASS";
  private static final String CA_PASSWORD_ENV = "SIDIS_TLS_CA_STOREPASS";

  private final TlsDir dir;
  private final PrintStream out;
  private final SecureRandom random = new SecureRandom();

  public KeyTool(TlsDir dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  /**
   * Makes the CA if the directory has none, then a key and certificate for each of {@code nodes}
   * that has none (or for each, with {@code renew}: a new key and certificate replace the old).
   * Returns the names whose keys were made.
   */
  public List<String> init(List<String> nodes, boolean renew) {
    try {
      Files.createDirectories(dir.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir.dir(), e);
    }
    if (!dir.hasCa()) {
      if (Files.exists(dir.caKeystore()) || Files.exists(dir.caCert())) {
        throw new IllegalStateException(dir.dir() + " holds part of a CA (" + TlsDir.CA_KEYSTORE + " or " + TlsDir.CA_CERT
            + ") but not all of " + TlsDir.CA_CERT + ", " + TlsDir.CA_KEYSTORE + ", " + TlsDir.CA_PASSWORD + "; use an empty directory");
      }
      makeCa();
    } else {
      out.println("CA: " + dir.caCert() + " (kept)");
    }
    List<String> made = new ArrayList<>();
    for (String node : nodes) {
      if (dir.hasNode(node) && !renew) {
        out.println("node " + node + ": " + dir.keystore(node) + " (kept; --renew makes a new key)");
        continue;
      }
      made.add(node);
    }
    // Two keytool JVMs at a time: each node's four runs take seconds, mostly JVM start-up.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (String node : made) runs.add(pool.submit(() -> makeNode(node)));
      for (java.util.concurrent.Future<?> run : runs) {
        try {
          run.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) throw r;
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while making node keys", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return made;
  }

  private void makeCa() {
    String password = newPassword(dir.caPassword());
    // A distinct name per CA, so that a log line naming an issuer tells two clusters' CAs apart.
    String cn = "sidis cluster CA " + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    Map<String, String> env = Map.of(CA_PASSWORD_ENV, password);
    run(env, null, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=" + cn, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", String.valueOf(CA_DAYS),
        "-storetype", "PKCS12", "-keystore", dir.caKeystore().toString(), "-storepass:env", CA_PASSWORD_ENV);
    byte[] pem = run(env, null, "-exportcert", "-rfc", "-alias", "ca", "-keystore", dir.caKeystore().toString(),
        "-storepass:env", CA_PASSWORD_ENV);
    write(dir.caCert(), pem, "rw-r--r--");
    ownerOnly(dir.caKeystore());
    out.println("CA: " + dir.caCert() + " (CN=" + cn + ", " + CA_DAYS + " days); its private key " + dir.caKeystore()
        + " stays with you, off the nodes");
  }

  private void makeNode(String node) {
    Path keystore = dir.keystore(node);
    try {
      Files.deleteIfExists(keystore);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace " + keystore, e);
    }
    String password = newPassword(dir.password(node));
    String caPassword;
    try {
      caPassword = Files.readString(dir.caPassword(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.caPassword(), e);
    }
    Map<String, String> env = Map.of(PASSWORD_ENV, password, CA_PASSWORD_ENV, caPassword);
    run(env, null, "-genkeypair", "-alias", node, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=" + node, "-validity", String.valueOf(NODE_DAYS),
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass:env", PASSWORD_ENV);
    byte[] request = run(env, null, "-certreq", "-alias", node, "-keystore", keystore.toString(), "-storepass:env", PASSWORD_ENV);
    byte[] cert = run(env, request, "-gencert", "-rfc", "-alias", "ca", "-keystore", dir.caKeystore().toString(),
        "-storepass:env", CA_PASSWORD_ENV, "-validity", String.valueOf(NODE_DAYS), "-sigalg", "SHA256withECDSA",
        "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth,clientAuth", "-ext", "san=dns:" + node + ",dns:localhost,ip:127.0.0.1");
    // The reply is the node's certificate and the CA's: keytool installs a chain whose top is
    // self-signed without asking, so the node's keystore needs no copy of the CA as an entry.
    Path chain = dir.dir().resolve(node + ".chain.pem");
    try {
      Files.write(chain, concat(cert, Files.readAllBytes(dir.caCert())));
      run(env, null, "-importcert", "-noprompt", "-alias", node, "-file", chain.toString(),
          "-keystore", keystore.toString(), "-storepass:env", PASSWORD_ENV);
      Files.move(chain, dir.dir().resolve(node + ".pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      ownerOnly(keystore);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + chain, e);
    }
    synchronized (out) {
      out.println("node " + node + ": " + keystore + " (CN=" + node + ", " + NODE_DAYS + " days), password in " + dir.password(node));
    }
  }

  /** A fresh random password, written to {@code file} (owner read/write only). */
  private String newPassword(Path file) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    write(file, (password + "\n").getBytes(StandardCharsets.US_ASCII), "rw-------");
    return password;
  }

  /** A private key's keystore is for its owner's eyes only (keytool leaves it to the umask). */
  private static void ownerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access rules apply
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict " + file + " to its owner", e);
    }
  }

  private static void write(Path file, byte[] content, String permissions) {
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * Runs keytool with {@code args}, {@code input} on its stdin; returns its stdout. A short
   * compile tier and the serial collector: each run is a fresh JVM that does little work.
   */
  private static byte[] run(Map<String, String> env, byte[] input, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.add("-J-XX:TieredStopAtLevel=1");
    cmd.add("-J-XX:+UseSerialGC");
    cmd.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(env);
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "keytool-stderr");
      errReader.start();
      try (var stdin = p.getOutputStream()) {
        if (input != null) stdin.write(input);
      }
      byte[] stdout = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish in 120 s");
      }
      errReader.join(10_000);
      if (p.exitValue() != 0) {
        String why = (new String(stdout, StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).strip();
        throw new IllegalStateException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): " + why);
      }
      return stdout;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream to) {
    try {
      in.transferTo(to);
    } catch (IOException ignored) {
      // the process went away; what it wrote so far is what we report
    }
  }
}
