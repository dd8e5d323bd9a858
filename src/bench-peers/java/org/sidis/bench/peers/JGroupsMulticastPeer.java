package org.sidis.bench.peers;

import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.HdrHistogram.Recorder;
import org.sidis.bench.ChildJvm;
import org.sidis.bench.Latencies;
import org.sidis.bench.Pacer;
import org.sidis.bench.MulticastPeer;
import org.sidis.multicast.Order;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * JGroups as the peer of {@code sidis bench multicast}: {@code nodes} members, each a JChannel in
 * its own child JVM ({@link #main}) on loopback over JGroups' TCP stack (the transport sidis' Artery
 * TCP is compared with), every member multicasting {@code size}-byte messages as fast as its flow
 * control lets it and counting deliveries of the other members' messages over the same warm-up
 * and window as sidis' drivers. FIFO and causal rounds run JGroups' reliable FIFO multicast
 * (NAKACK2; JGroups ships no causal protocol in its stacks), total-order rounds its fixed
 * sequencer (SEQUENCER). The stacks are {@code jgroups-fifo.xml} and {@code jgroups-sequencer.xml}
 * beside this class. With a latency phase the members then offer a fixed rate of messages that
 * carry their send stamp ({@link Latencies#nowMicros}, the clock sidis' members stamp with) in bytes
 * 1–8, and record the others' send-to-deliver latency as sidis' members do.
 */
public final class JGroupsMulticastPeer implements MulticastPeer {

  static final String CLUSTER = "sidis-bench";

  @Override
  public String name(Order order) {
    return order == Order.TOTAL ? "jgroups-sequencer" : "jgroups-fifo";
  }

  static String stack(Order order) {
    return order == Order.TOTAL ? "jgroups-sequencer.xml" : "jgroups-fifo.xml";
  }

  @Override
  public Result run(Params p) throws Exception {
    List<Integer> ports = freePorts(p.nodes());
    String initialHosts = ports.stream().map(port -> "127.0.0.1[" + port + "]").collect(Collectors.joining(","));
    List<Process> members = new ArrayList<>();
    Map<String, Long> rates = new ConcurrentHashMap<>();
    Map<String, String> histograms = new ConcurrentHashMap<>();
    Map<String, Deque<String>> tails = new ConcurrentHashMap<>();
    try {
      for (int i = 0; i < p.nodes(); i++) {
        String name = "n" + (i + 1);
        List<String> jvm = new ArrayList<>(p.jvmOptions());
        jvm.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-Djgroups.bind_port=" + ports.get(i),
            "-Djgroups.tcpping.initial_hosts=" + initialHosts));
        List<String> cmd = ChildJvm.command(jvm, JGroupsMulticastPeer.class.getName(), List.of(name, String.valueOf(i),
            String.valueOf(p.nodes()), String.valueOf(p.size()), String.valueOf(p.warmupSeconds()),
            String.valueOf(p.durationSeconds()), stack(p.order()),
            String.valueOf(p.latency() == null ? -1 : p.latency().rate()),
            String.valueOf(p.latency() == null ? 0 : p.latency().settleSeconds())));
        Process member = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        members.add(member);
        Deque<String> tail = new ArrayDeque<>();
        tails.put(name, tail);
        Thread reader = new Thread(() -> read(member.getInputStream(), name, rates, histograms, tail), "jgroups-" + name);
        reader.setDaemon(true);
        reader.start();
      }
      long latencySeconds = p.latency() == null ? 0 : p.latency().settleSeconds() + 30 + p.durationSeconds();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90L + p.warmupSeconds() + p.durationSeconds() + latencySeconds);
      int histogramsWanted = p.latency() == null ? 0 : p.nodes();
      while ((rates.size() < p.nodes() || histograms.size() < histogramsWanted) && System.nanoTime() < deadline
          && members.stream().allMatch(Process::isAlive)) {
        Thread.sleep(100);
      }
      if (rates.size() < p.nodes() || histograms.size() < histogramsWanted || !MulticastPeer.silent(rates).isEmpty()) {
        // A member that reports no rate, or delivered nothing in its window, is a failed round, not a figure.
        StringBuilder why = new StringBuilder(rates.size() < p.nodes()
            ? "JGroups members reported " + rates.size() + " of " + p.nodes() + " rates"
            : histograms.size() < histogramsWanted ? "JGroups members reported " + histograms.size() + " of " + p.nodes() + " latency histograms"
            : "a JGroups member delivered none of the others' messages in its window: " + new TreeMap<>(rates));
        for (int i = 0; i < members.size(); i++) {
          Process m = members.get(i);
          String name = "n" + (i + 1);
          why.append("\n  ").append(name).append(m.isAlive() ? " running" : " exited " + m.exitValue()).append("; last lines: ");
          synchronized (tails.get(name)) {
            why.append(String.join(" | ", tails.get(name)));
          }
        }
        throw new IllegalStateException(why.toString());
      }
      return new Result(new TreeMap<>(rates), new TreeMap<>(histograms));
    } finally {
      // Closing stdin tells every member to stop sending, leave and exit; kill what does not.
      for (Process m : members) {
        try {
          m.getOutputStream().close();
        } catch (IOException ignored) {
          // it is gone already
        }
      }
      for (Process m : members) {
        if (!m.waitFor(15, TimeUnit.SECONDS)) m.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void read(InputStream in, String name, Map<String, Long> rates, Map<String, String> histograms, Deque<String> tail) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("rate ")) rates.put(name, Long.parseLong(line.substring(5).trim()));
        if (line.startsWith("latency ")) {
          histograms.put(name, line.substring(8).trim());
          line = "latency " + Latencies.percentiles(Latencies.decode(line.substring(8).trim()));
        }
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 8) tail.removeFirst();
        }
      }
    } catch (IOException | NumberFormatException e) {
      synchronized (tail) {
        tail.addLast("(reading its output failed: " + e + ")");
      }
    }
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) held.add(new ServerSocket(0));
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }

  /**
   * One member JVM: {@code name index nodes size warmup-s duration-s stack latency-rate settle-s}.
   * Joins, waits for the whole group, multicasts until its stdin closes, and prints {@code rate N}
   * — deliveries per second of the other members' messages in its window — once the window
   * closes. With {@code latency-rate} >= 0 it then offers that fixed rate (0: half of its rate,
   * shared among the other senders), waits {@code settle-s}, records the others' send-to-deliver
   * latency for {@code duration-s} and prints {@code latency HISTOGRAM}.
   */
  public static void main(String[] args) throws Exception {
    ChildJvm.exitWithParent();
    if (args.length != 9) {
      System.err.println("usage: JGroupsMulticastPeer NAME INDEX NODES SIZE WARMUP_S DURATION_S STACK LATENCY_RATE SETTLE_S");
      System.exit(2);
    }
    String name = args[0];
    byte index = (byte) Integer.parseInt(args[1]);
    int nodes = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    long warmup = Long.parseLong(args[4]);
    long duration = Long.parseLong(args[5]);
    String stack = args[6];
    int latencyRate = Integer.parseInt(args[7]);
    long settle = Long.parseLong(args[8]);
    LongAdder delivered = new LongAdder();
    // Recorder: the receiver thread records while this one takes the window's histogram.
    Recorder latencies = new Recorder(3);
    java.util.concurrent.atomic.AtomicBoolean stamped = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean stampSeen = new java.util.concurrent.atomic.AtomicBoolean();
    try (InputStream config = JGroupsMulticastPeer.class.getResourceAsStream(stack)) {
      if (config == null) throw new IllegalStateException("no JGroups stack " + stack + " beside " + JGroupsMulticastPeer.class.getName());
      JChannel channel = new JChannel(config).name(name);
      channel.setReceiver(new Receiver() {
        @Override
        public void receive(Message msg) {
          // The first byte names the sender (the sequencer re-multicasts others' messages, so src is not enough).
          byte[] b = msg.getArray();
          if (b != null && msg.getLength() > 0 && b[msg.getOffset()] != index) {
            delivered.increment();
            if (stamped.get() && msg.getLength() >= 9) {
              long sentMicros = java.nio.ByteBuffer.wrap(b, msg.getOffset() + 1, 8).getLong();
              if (sentMicros > 0) {
                stampSeen.set(true);
                latencies.recordValue(Math.max(0, Latencies.nowMicros() - sentMicros));
              }
            }
          }
        }
      });
      channel.connect(CLUSTER);
      long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (channel.getView().size() < nodes) {
        if (System.nanoTime() > joinDeadline) throw new IllegalStateException(name + ": the view never held " + nodes + " members: " + channel.getView());
        Thread.sleep(20);
      }
      byte[] payload = new byte[Math.max(1, size)];
      java.util.Arrays.fill(payload, (byte) 'x');
      payload[0] = index;
      // Bytes 1-8 are a latency phase's send stamp; 0 in the flood's messages, which carry none.
      for (int i = 1; i < Math.min(9, payload.length); i++) payload[i] = 0;
      LongAdder sent = new LongAdder();
      // A flag, not Thread.interrupt: an interrupted flood thread was seen still sending after the rate
      // window (JChannel.send does not end on an interrupt), so JGroups' "fixed load" latency was
      // measured with the flood still on and the stamped messages queued behind it.
      java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread sender = new Thread(() -> {
        try {
          while (flooding.get()) {
            channel.send(new BytesMessage(null, payload));
            sent.increment();
          }
        } catch (InterruptedException stopped) {
          // the run is over
        } catch (Exception e) {
          // Said, not swallowed: a member that cannot send makes its peers' rates 0, and the driver shows these lines.
          if (!channel.isClosed()) System.out.println("send failed after " + sent.sum() + " messages: " + e);
        }
      }, "sender");
      sender.setDaemon(true);
      sender.start();
      // The window opens after the warm-up and once the others' messages flow here, so a slow join or first
      // connection is not measured as a rate of 0 (sidis' drivers likewise count only after their group is up).
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
      long flowDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (delivered.sum() == 0 && System.nanoTime() < flowDeadline) Thread.sleep(10);
      long c0 = delivered.sum();
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(duration));
      long c1 = delivered.sum();
      long t1 = System.nanoTime();
      System.out.println("view " + channel.getView() + ", sent " + sent.sum() + ", delivered " + c1);
      long rate = Math.round((c1 - c0) / ((t1 - t0) / 1e9));
      System.out.println("rate " + rate);
      System.out.flush();
      if (latencyRate >= 0) {
        flooding.set(false);
        sender.join(TimeUnit.SECONDS.toMillis(10));
        if (sender.isAlive()) throw new IllegalStateException(name + ": the flood sender did not stop within 10 s, so no latency at a fixed load can be measured");
        double offered = latencyRate > 0 ? latencyRate : Math.max(1.0, rate / 2.0 / Math.max(1, nodes - 1));
        byte[] stampedPayload = new byte[Math.max(9, size)];
        java.util.Arrays.fill(stampedPayload, (byte) 'x');
        stampedPayload[0] = index;
        Thread paced = new Thread(() -> {
          Pacer pacer = Pacer.start(offered, System.nanoTime());
          try {
            while (!Thread.currentThread().isInterrupted()) {
              long due = pacer.due(System.nanoTime());
              for (long i = 0; i < due; i++) {
                byte[] m = stampedPayload.clone();
                java.nio.ByteBuffer.wrap(m, 1, 8).putLong(Latencies.nowMicros());
                channel.send(new BytesMessage(null, m));
              }
              pacer = pacer.sent(due);
              Thread.sleep(1);
            }
          } catch (InterruptedException stopped) {
            // the run is over
          } catch (Exception e) {
            if (!channel.isClosed()) System.out.println("paced send failed: " + e);
          }
        }, "paced-sender");
        paced.setDaemon(true);
        // Stamps are read from now on; what the flood sent before carries none and is not counted.
        stamped.set(true);
        paced.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
        // As sidis' LatencyWindow: the window opens once a stamped message has come through (at most 30 s more).
        long stampDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stampSeen.get() && System.nanoTime() < stampDeadline) Thread.sleep(10);
        latencies.getIntervalHistogram(); // the settle time's deliveries are not measured
        Thread.sleep(TimeUnit.SECONDS.toMillis(duration));
        org.HdrHistogram.Histogram window = latencies.getIntervalHistogram();
        System.out.println("latency " + Latencies.encode(window));
        System.out.flush();
      }
      // Keep the load on until the benchmark has every member's rate: it closes our stdin.
      while (System.in.read() >= 0) { /* nothing is sent */ }
      flooding.set(false);
      channel.close();
    }
    System.exit(0);
  }
}
