package org.sidis.node.tls;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Artery's {@link ConfigSSLEngineProvider} (keystore, protocol, cipher suites and mutual
 * authentication from {@code akka.remote.artery.ssl.config-ssl-engine}) with two changes.
 * The trust store is the cluster CA's PEM file ({@code trust-store}), every certificate in it
 * trusted, so that a CA rotates by listing the old and the new one for a while. And a refused
 * peer is a WARN line in plain words: an inbound one says why the handshake failed (Artery
 * itself drops it without a word), an outbound one names the peer's address, its certificate
 * and its issuer.
 */
public class ClusterTlsProvider extends ConfigSSLEngineProvider {

  /** The logger of refusals: WARN, so on the console of a node started by hand and in every node's log file. */
  static final Logger REFUSALS = LoggerFactory.getLogger("org.sidis.node.tls.refused");

  /** One line per kind of refusal every 10 s at most. */
  private final RefusalLog quiet = new RefusalLog(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));

  private final ActorSystem system;

  public ClusterTlsProvider(ActorSystem system) {
    super(system);
    this.system = system;
  }

  /** This node's address as host:port; the engine is given the bind address, whose port may be 0. */
  private String self() {
    akka.actor.Address a = ((akka.actor.ExtendedActorSystem) system).provider().getDefaultAddress();
    return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return new RefusingEngine(super.createServerSSLEngine(hostname, port), e -> {
      String at = self();
      String reason = RefusingEngine.reason(e);
      long more = quiet.admit("inbound " + reason, System.nanoTime());
      if (more >= 0) {
        REFUSALS.warn("refused an inbound connection to [{}]: {}{}", at, reason,
            more > 0 ? " (and " + more + " more like it since the last such line)" : "");
      }
    });
  }

  @Override
  public TrustManager[] trustManagers() {
    Path pem = Path.of(SSLTrustStore());
    try {
      List<X509Certificate> cas = caCertificates(pem);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      List<TrustManager> wrapped = new ArrayList<>();
      for (TrustManager tm : f.getTrustManagers()) {
        wrapped.add(tm instanceof X509ExtendedTrustManager x ? new Refusing(x, cas, quiet) : tm);
      }
      return wrapped.toArray(TrustManager[]::new);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the cluster CA from " + pem + ": " + e.getMessage(), e);
    }
  }

  /** Every certificate in the PEM file {@code pem}; at least one. */
  static List<X509Certificate> caCertificates(Path pem) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> cas = new ArrayList<>();
      for (Certificate c : all) cas.add((X509Certificate) c);
      if (cas.isEmpty()) throw new CertificateException("no certificate in " + pem);
      return cas;
    }
  }

  /**
   * The JDK's trust manager, which says no to a chain the cluster's CA did not sign, with the
   * reason in an operator's words: for an inbound peer in the exception (the server engine logs
   * it), for an outbound peer in a log line here, naming the peer's address.
   */
  static final class Refusing extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String trusted;
    private final RefusalLog quiet;

    Refusing(X509ExtendedTrustManager delegate, List<X509Certificate> cas, RefusalLog quiet) {
      this.delegate = delegate;
      this.trusted = String.join("; ", cas.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
      this.quiet = quiet;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        delegate.checkClientTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw new CertificateException(describe(chain, trusted, e), e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        String peer = engine == null || engine.getPeerHost() == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort();
        String why = describe(chain, trusted, e);
        long more = quiet.admit("outbound " + peer, System.nanoTime());
        if (more >= 0) {
          REFUSALS.warn("refused an outbound connection to [{}]: {}{}", peer, why,
              more > 0 ? " (and " + more + " more like it since the last such line)" : "");
        }
        throw new CertificateException(why, e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** What a refused peer presented and why it was refused, for the log line. */
  static String describe(X509Certificate[] chain, String trusted, CertificateException e) {
    if (chain == null || chain.length == 0) return "it presented no certificate";
    X509Certificate leaf = chain[0];
    return "its certificate [" + leaf.getSubjectX500Principal().getName() + "] issued by ["
        + leaf.getIssuerX500Principal().getName() + "] is not signed by this cluster's CA [" + trusted + "] ("
        + e.getMessage() + ")";
  }
}
