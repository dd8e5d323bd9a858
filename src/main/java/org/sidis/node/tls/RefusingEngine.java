package org.sidis.node.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The server side of an inbound Artery connection: the JDK's engine, and one log line when its
 * handshake fails, saying in an operator's words why the peer was refused. Artery drops a failed
 * inbound connection silently, and the engine does not know the peer's address (Akka creates
 * it before the connection is known), so the line says what the handshake learnt of the peer.
 */
final class RefusingEngine extends SSLEngine {

  private final SSLEngine engine;
  private final java.util.function.Consumer<SSLException> log;
  private boolean logged;

  RefusingEngine(SSLEngine engine, java.util.function.Consumer<SSLException> log) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.log = log;
  }

  /** What a failed inbound handshake means, from the JDK's message. */
  static String reason(SSLException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext")) {
      return "it does not speak TLS (a node started without --tls, or something else on this port)";
    }
    for (String alert : List.of("certificate_unknown", "bad_certificate", "unknown_ca", "certificate_expired", "certificate_revoked")) {
      if (m.contains("fatal alert: " + alert)) {
        return "it rejected this node's certificate (" + alert + "): its keys come from another CA";
      }
    }
    if (m.contains("Empty client certificate chain") || m.contains("null cert chain") || m.contains("certificate_required")) {
      // A JDK peer sends no certificate when it has none from the CAs this node asked for.
      return "it presented no certificate signed by this cluster's CA: its keys come from another CA, or it has none";
    }
    if (m.contains("not signed by this cluster's CA")) return m;
    return "TLS handshake failed: " + m;
  }

  private <T> T logged(SSLException e) throws SSLException {
    if (!logged) {
      logged = true;
      log.accept(e);
    }
    throw e;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    try {
      return engine.wrap(srcs, offset, length, dst);
    } catch (SSLException e) {
      return logged(e);
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    try {
      return engine.unwrap(src, dsts, offset, length);
    } catch (SSLException e) {
      return logged(e);
    }
  }

  @Override
  public void beginHandshake() throws SSLException {
    try {
      engine.beginHandshake();
    } catch (SSLException e) {
      logged(e);
    }
  }

  @Override
  public Runnable getDelegatedTask() {
    return engine.getDelegatedTask();
  }

  @Override
  public void closeInbound() throws SSLException {
    engine.closeInbound();
  }

  @Override
  public boolean isInboundDone() {
    return engine.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    engine.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return engine.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return engine.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return engine.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    engine.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return engine.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return engine.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    engine.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return engine.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return engine.getHandshakeSession();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return engine.getHandshakeStatus();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    engine.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return engine.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    engine.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return engine.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    engine.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return engine.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    engine.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return engine.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return engine.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    engine.setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return engine.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return engine.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
    engine.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return engine.getHandshakeApplicationProtocolSelector();
  }
}
