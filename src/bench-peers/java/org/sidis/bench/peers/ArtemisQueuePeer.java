package org.sidis.bench.peers;

import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnectorFactory;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.sidis.bench.QueuePeer;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ActiveMQ Artemis, embedded, as the peer of {@code sidis bench queue}: one broker in this JVM
 * with an in-VM acceptor, persistence on (NIO journal in a fresh temporary directory, its
 * defaults: every durable send is confirmed only after the journal's grouped fdatasync), one
 * durable anycast queue, durable messages of the run's size. Two modes, each on a fresh broker:
 *
 * <ul>
 *   <li>{@code async} — Artemis's fastest durable mode: non-blocking sends with a confirmation
 *   window (1 MiB); a send counts as acknowledged when its {@link SendAcknowledgementHandler}
 *   is called. At most {@code window} sends are unconfirmed, as for sidis' producer.</li>
 *   <li>{@code blocking} — {@code blockOnDurableSend}: each send returns once the broker stored
 *   the message; one producer thread.</li>
 * </ul>
 *
 * <p>{@code consumers} consumers, each on its own session, acknowledge every message they
 * receive; the rate is of acknowledged messages over the measuring window. Consumer acks use
 * Artemis's defaults (sent in batches, journaled without waiting for a sync) — its fastest
 * settings, which is what the baseline is for.
 */
public final class ArtemisQueuePeer implements QueuePeer {

  private static final String QUEUE = "bench";
  private static final AtomicLong SERVER_IDS = new AtomicLong(1000);

  @Override
  public String name() {
    return "activemq-artemis-" + org.apache.activemq.artemis.utils.VersionLoader.getVersion().getFullVersion();
  }

  @Override
  public List<Result> run(Params p) throws Exception {
    // The broker logs its start, stop and missing dead-letter addresses; the bench table is the output here.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.activemq")).setLevel(ch.qos.logback.classic.Level.ERROR);
    List<Result> results = new ArrayList<>();
    results.add(measure(p, false));
    results.add(measure(p, true));
    return results;
  }

  private Result measure(Params p, boolean blocking) throws Exception {
    Path dir = Files.createTempDirectory("sidis-bench-artemis-");
    long serverId = SERVER_IDS.incrementAndGet();
    Map<String, Object> invm = Map.of("serverId", serverId);
    Configuration cfg = new ConfigurationImpl()
        .setPersistenceEnabled(true)
        .setSecurityEnabled(false)
        .setJMXManagementEnabled(false)
        .setJournalType(JournalType.NIO)
        .setJournalDirectory(dir.resolve("journal").toString())
        .setBindingsDirectory(dir.resolve("bindings").toString())
        .setLargeMessagesDirectory(dir.resolve("large").toString())
        .setPagingDirectory(dir.resolve("paging").toString())
        .addAcceptorConfiguration(new TransportConfiguration(InVMAcceptorFactory.class.getName(), invm));
    ActiveMQServer server = ActiveMQServers.newActiveMQServer(cfg, false);
    server.start();
    ServerLocator locator = ActiveMQClient.createServerLocatorWithoutHA(
        new TransportConfiguration(InVMConnectorFactory.class.getName(), invm));
    List<ClientSession> sessions = new ArrayList<>();
    try {
      locator.setBlockOnDurableSend(blocking);
      if (!blocking) locator.setConfirmationWindowSize(1024 * 1024);
      ClientSessionFactory factory = locator.createSessionFactory();
      ClientSession admin = factory.createSession();
      sessions.add(admin);
      admin.createQueue(new QueueConfiguration(QUEUE).setRoutingType(RoutingType.ANYCAST).setDurable(true));

      long start = System.nanoTime();
      long windowOpens = start + TimeUnit.SECONDS.toNanos(p.warmupSeconds());
      long windowCloses = windowOpens + TimeUnit.SECONDS.toNanos(p.durationSeconds());
      AtomicLong consumed = new AtomicLong();
      AtomicLong consumedAtOpen = new AtomicLong(-1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      for (int i = 0; i < p.consumers(); i++) {
        ClientSession s = factory.createSession(false, true, true);
        sessions.add(s);
        ClientConsumer consumer = s.createConsumer(QUEUE);
        consumer.setMessageHandler(m -> {
          try {
            m.acknowledge();
            consumed.incrementAndGet();
          } catch (ActiveMQException e) {
            failure.compareAndSet(null, e);
          }
        });
        s.start();
      }

      Histogram latency = new Histogram(60_000_000L, 3);
      Semaphore outstanding = new Semaphore(blocking ? 1 : p.window());
      ClientSession producerSession = factory.createSession();
      sessions.add(producerSession);
      ClientProducer producer = producerSession.createProducer(QUEUE);
      byte[] payload = new byte[p.size()];
      java.util.Arrays.fill(payload, (byte) 'x');
      SendAcknowledgementHandler confirmed = new SendAcknowledgementHandler() {
        @Override
        public void sendAcknowledged(Message m) {
          long now = System.nanoTime();
          if (now >= windowOpens && now < windowCloses) {
            synchronized (latency) {
              latency.recordValue(Math.min((now - m.getLongProperty("sentAt")) / 1000, 60_000_000L));
            }
          }
          outstanding.release();
        }

        @Override
        public void sendFailed(Message m, Exception e) {
          failure.compareAndSet(null, e);
          outstanding.release();
        }
      };
      while (System.nanoTime() < windowCloses && failure.get() == null) {
        if (consumedAtOpen.get() < 0 && System.nanoTime() >= windowOpens) consumedAtOpen.set(consumed.get());
        if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
        ClientMessage m = producerSession.createMessage(true);
        m.getBodyBuffer().writeBytes(payload);
        long sentAt = System.nanoTime();
        m.putLongProperty("sentAt", sentAt);
        if (blocking) {
          producer.send(m);
          long now = System.nanoTime();
          if (now >= windowOpens) latency.recordValue(Math.min((now - sentAt) / 1000, 60_000_000L));
          outstanding.release();
        } else {
          producer.send(m, confirmed);
        }
      }
      long n = consumed.get() - Math.max(consumedAtOpen.get(), 0);
      double seconds = (System.nanoTime() - Math.max(windowOpens, start)) / 1e9;
      if (failure.get() != null) throw new IllegalStateException("Artemis " + (blocking ? "blocking" : "async") + " failed", failure.get());
      if (consumedAtOpen.get() < 0) throw new IllegalStateException("the measuring window never opened");
      synchronized (latency) {
        return new Result(name() + (blocking ? "-blocking" : "-async"), blocking ? "durable, blocking send" : "durable, async send, confirmation window",
            n / seconds, n, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99));
      }
    } finally {
      for (ClientSession s : sessions) {
        try {
          s.close();
        } catch (ActiveMQException ignored) {
          // the broker goes down next anyway
        }
      }
      locator.close();
      server.stop();
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
