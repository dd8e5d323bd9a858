package org.sidis.node.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory of cluster keys, as {@code sidis tls init} makes it:
 * <pre>
 *   ca.pem                 the cluster CA's certificate (public; every node trusts what it signed)
 *   ca.p12, ca.password    the CA's private key and its keystore password (stays with the operator)
 *   NAME.p12, NAME.password  node NAME's private key and certificate chain, and that keystore's password
 * </pre>
 * A node needs three files: {@code ca.pem}, {@code NAME.p12}, {@code NAME.password}. Artery reads
 * them through {@link ClusterTlsProvider}, a {@code ConfigSSLEngineProvider} whose trust store is
 * the CA's PEM file (several CA certificates in it are all trusted: that is how a CA rotates).
 */
public record TlsDir(Path dir) {

  public static final String CA_CERT = "ca.pem";
  public static final String CA_KEYSTORE = "ca.p12";
  public static final String CA_PASSWORD = "ca.password";

  public Path caCert() {
    return dir.resolve(CA_CERT);
  }

  public Path caKeystore() {
    return dir.resolve(CA_KEYSTORE);
  }

  public Path caPassword() {
    return dir.resolve(CA_PASSWORD);
  }

  public Path keystore(String node) {
    return dir.resolve(node + ".p12");
  }

  public Path password(String node) {
    return dir.resolve(node + ".password");
  }

  /** Whether the directory holds a CA that can sign more node keys. */
  public boolean hasCa() {
    return Files.isRegularFile(caCert()) && Files.isRegularFile(caKeystore()) && Files.isRegularFile(caPassword());
  }

  /** Whether node {@code node}'s key, certificate and password are all here. */
  public boolean hasNode(String node) {
    return Files.isRegularFile(keystore(node)) && Files.isRegularFile(password(node));
  }

  /** The names among {@code nodes} whose files are missing, or the CA certificate's absence; empty when a node can start. */
  public List<String> missing(List<String> nodes) {
    List<String> missing = new ArrayList<>();
    if (!Files.isRegularFile(caCert())) missing.add(CA_CERT);
    for (String n : nodes) {
      if (!Files.isRegularFile(keystore(n))) missing.add(keystore(n).getFileName().toString());
      if (!Files.isRegularFile(password(n))) missing.add(password(n).getFileName().toString());
    }
    return missing;
  }

  /**
   * The Artery settings that make node {@code node} speak mutual TLS with this directory's keys:
   * transport {@code tls-tcp} and the paths and password of its keystore. The protocol, the cipher
   * suites, mutual authentication and the provider class are in conf/node.conf. The password is
   * read from its file here, so it never appears on a command line or in a log.
   *
   * @throws IllegalArgumentException naming the missing files and the command that makes them
   */
  public Config nodeConfig(String node) {
    List<String> missing = missing(List.of(node));
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("--tls " + dir + " has no " + String.join(", ", missing)
          + "; make them with: sidis tls init " + dir + " --nodes " + node);
    }
    String password;
    try {
      password = Files.readString(password(node), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + password(node) + ": " + e.getMessage());
    }
    String engine = "akka.remote.artery.ssl.config-ssl-engine.";
    Map<String, Object> m = new HashMap<>();
    m.put("akka.remote.artery.transport", "tls-tcp");
    m.put(engine + "key-store", keystore(node).toAbsolutePath().toString());
    m.put(engine + "key-store-password", password);
    m.put(engine + "key-password", password);
    m.put(engine + "trust-store", caCert().toAbsolutePath().toString());
    m.put(engine + "trust-store-password", "");
    return ConfigFactory.parseMap(m, "--tls " + dir);
  }

  /** Names {@code n1 … n<count>}. */
  public static List<String> numbered(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) names.add("n" + i);
    return names;
  }
}
