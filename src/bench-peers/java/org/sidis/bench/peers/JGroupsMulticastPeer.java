package org.sidis.bench.peers;

import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.sidis.bench.ChildJvm;
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
 * beside this class.
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
  public Map<String, Long> run(Params p) throws Exception {
    List<Integer> ports = freePorts(p.nodes());
    String initialHosts = ports.stream().map(port -> "127.0.0.1[" + port + "]").collect(Collectors.joining(","));
    List<Process> members = new ArrayList<>();
    Map<String, Long> rates = new ConcurrentHashMap<>();
    Map<String, Deque<String>> tails = new ConcurrentHashMap<>();
    try {
      for (int i = 0; i < p.nodes(); i++) {
        String name = "n" + (i + 1);
        List<String> jvm = new ArrayList<>(p.jvmOptions());
        jvm.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-Djgroups.bind_port=" + ports.get(i),
            "-Djgroups.tcpping.initial_hosts=" + initialHosts));
        List<String> cmd = ChildJvm.command(jvm, JGroupsMulticastPeer.class.getName(), List.of(name, String.valueOf(i),
            String.valueOf(p.nodes()), String.valueOf(p.size()), String.valueOf(p.warmupSeconds()),
            String.valueOf(p.durationSeconds()), stack(p.order())));
        Process member = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        members.add(member);
        Deque<String> tail = new ArrayDeque<>();
        tails.put(name, tail);
        Thread reader = new Thread(() -> read(member.getInputStream(), name, rates, tail), "jgroups-" + name);
        reader.setDaemon(true);
        reader.start();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90L + p.warmupSeconds() + p.durationSeconds());
      while (rates.size() < p.nodes() && System.nanoTime() < deadline && members.stream().allMatch(Process::isAlive)) {
        Thread.sleep(100);
      }
      if (rates.size() < p.nodes() || !MulticastPeer.silent(rates).isEmpty()) {
        // A member that reports no rate, or delivered nothing in its window, is a failed round, not a figure.
        StringBuilder why = new StringBuilder(rates.size() < p.nodes()
            ? "JGroups members reported " + rates.size() + " of " + p.nodes() + " rates"
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
      return new TreeMap<>(rates);
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

  private static void read(InputStream in, String name, Map<String, Long> rates, Deque<String> tail) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("rate ")) rates.put(name, Long.parseLong(line.substring(5).trim()));
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
   * One member JVM: {@code name index nodes size warmup-s duration-s stack}. Joins, waits for the
   * whole group, multicasts until its stdin closes, and prints {@code rate N} — deliveries per
   * second of the other members' messages in its window — once the window closes.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: JGroupsMulticastPeer NAME INDEX NODES SIZE WARMUP_S DURATION_S STACK");
      System.exit(2);
    }
    String name = args[0];
    byte index = (byte) Integer.parseInt(args[1]);
    int nodes = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    long warmup = Long.parseLong(args[4]);
    long duration = Long.parseLong(args[5]);
    String stack = args[6];
    LongAdder delivered = new LongAdder();
    try (InputStream config = JGroupsMulticastPeer.class.getResourceAsStream(stack)) {
      if (config == null) throw new IllegalStateException("no JGroups stack " + stack + " beside " + JGroupsMulticastPeer.class.getName());
      JChannel channel = new JChannel(config).name(name);
      channel.setReceiver(new Receiver() {
        @Override
        public void receive(Message msg) {
          // The first byte names the sender (the sequencer re-multicasts others' messages, so src is not enough).
          byte[] b = msg.getArray();
          if (b != null && msg.getLength() > 0 && b[msg.getOffset()] != index) delivered.increment();
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
      LongAdder sent = new LongAdder();
      Thread sender = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
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
      System.out.println("rate " + Math.round((c1 - c0) / ((t1 - t0) / 1e9)));
      System.out.flush();
      // Keep the load on until the benchmark has every member's rate: it closes our stdin.
      while (System.in.read() >= 0) { /* nothing is sent */ }
      sender.interrupt();
      channel.close();
    }
    System.exit(0);
  }
}
