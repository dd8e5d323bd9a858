package org.sidis.check;

import org.sidis.trace.Events;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.sidis.clock.VectorClock;

/**
 * Lamport's happened-before relation, rebuilt from a trace alone, whatever clocks the protocol kept:
 * every traced event gets a vector clock (Fidge and Mattern) and a Lamport timestamp.
 *
 * <p>A process is one actor on one node: its events are totally ordered by {@code lseq}, so event k
 * of process p has {@code clock[p] = k}. A {@code receive} or {@code deliver} of message m also
 * knows everything the {@code multicast} (or {@code send}) of m knew: its clock is the pointwise
 * maximum of its predecessor's clock and the send's clock, then its own entry raised by one. Messages
 * are matched by group and message id; where one id was sent twice (a corrupt trace), the first send
 * in process order counts. Nothing else links processes, so two events are ordered exactly when a
 * chain of local steps and sends leads from one to the other.
 *
 * <p>A receipt can be computed only after its send, so the processes are walked interleaved: a
 * process waits at a receipt until the send's process has passed the send. If every unfinished
 * process waits — possible only in a corrupt trace, where receipts and sends form a cycle — the first
 * waiting receipt is taken without the send's clock, a note says so, and the walk goes on.
 */
public final class HappensBefore {

    /** Events that put a message on the network: the origin of every arrow. */
    public static final Set<String> SENDS = Set.of(Events.Group.MULTICAST, Events.Gossip.SEND);
    /** Events that take a message off it (receive) or hand it up (deliver): the head of an arrow. */
    public static final Set<String> RECEIPTS = Set.of(Events.Group.RECEIVE, Events.Group.DELIVER);

    /**
     * One actor on one node, with its events from {@code first} (an index into {@link #events()}) on.
     *
     * @param name the name its clocks use: the node's name when the node has one process here,
     *             node and actor path otherwise ({@code n1/user/multicast-chat})
     */
    public record Process(String name, String node, String actor, int first, int count) {
    }

    private final List<Process> processes;
    private final List<TraceEvent> events;
    private final int[] processOf;
    private final int[] sendOf;
    private final VectorClock[] clocks;
    private final int[] lamport;
    private final List<String> notes = new ArrayList<>();

    private HappensBefore(List<Process> processes, List<TraceEvent> events) {
        this.processes = List.copyOf(processes);
        this.events = List.copyOf(events);
        this.processOf = new int[events.size()];
        this.sendOf = new int[events.size()];
        this.clocks = new VectorClock[events.size()];
        this.lamport = new int[events.size()];
        for (int p = 0; p < processes.size(); p++) {
            Process process = processes.get(p);
            for (int i = process.first(); i < process.first() + process.count(); i++) {
                processOf[i] = p;
            }
        }
        matchSends();
        walk();
    }

    /** The relation over these events; each (node, actor) is a process, in local order by (file, lseq). */
    public static HappensBefore of(Collection<TraceEvent> traced) {
        Map<String, Map<String, List<TraceEvent>>> byNodeAndActor = new TreeMap<>(GroupTrace.NODE_ORDER);
        for (TraceEvent e : traced) {
            byNodeAndActor.computeIfAbsent(e.node(), n -> new TreeMap<>()).computeIfAbsent(e.actor(), a -> new ArrayList<>()).add(e);
        }
        List<Process> processes = new ArrayList<>();
        List<TraceEvent> ordered = new ArrayList<>(traced.size());
        byNodeAndActor.forEach((node, byActor) -> byActor.forEach((actor, local) -> {
            // A node that restarted writes a new file from lseq 1, so the file comes first.
            local.sort(Comparator.comparing(TraceEvent::file).thenComparingLong(TraceEvent::lseq));
            String name = byActor.size() == 1 ? node : node + (actor.startsWith("/") ? actor : "/" + actor);
            processes.add(new Process(name, node, actor, ordered.size(), local.size()));
            ordered.addAll(local);
        }));
        return new HappensBefore(processes, ordered);
    }

    /** Every process, nodes in natural order ({@code n2} before {@code n10}), then actors by path. */
    public List<Process> processes() {
        return processes;
    }

    /** Every event, process after process, each process's events in local order. */
    public List<TraceEvent> events() {
        return events;
    }

    /** The index into {@link #processes()} of the event's process. */
    public int process(int event) {
        return processOf[event];
    }

    /** The event's vector clock: for each process, how many of its events happened before or at it. */
    public VectorClock clock(int event) {
        return clocks[event];
    }

    /** The length of the longest chain of events that ends at this one: a time axis that never runs backwards. */
    public int lamport(int event) {
        return lamport[event];
    }

    /** For a receive or deliver, the index of its message's send (on any process); -1 for other events or none traced. */
    public int sendOf(int event) {
        return sendOf[event];
    }

    /** Whether a happened before b (a → b): a's clock is covered by b's and they differ. */
    public boolean happenedBefore(int a, int b) {
        return a != b && clocks[a].isCoveredBy(clocks[b]);
    }

    /** Neither happened before the other. */
    public boolean concurrent(int a, int b) {
        return a != b && !happenedBefore(a, b) && !happenedBefore(b, a);
    }

    /** What the reader should know about receipts whose send could not be used (a cycle in a corrupt trace). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public static boolean isSend(TraceEvent e) {
        return e.msg() != null && e.group() != null && SENDS.contains(e.event());
    }

    public static boolean isReceipt(TraceEvent e) {
        return e.msg() != null && e.group() != null && RECEIPTS.contains(e.event());
    }

    private void matchSends() {
        Map<String, Integer> firstSend = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            if (isSend(e)) {
                firstSend.putIfAbsent(key(e), i);
            }
        }
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            sendOf[i] = isReceipt(e) ? firstSend.getOrDefault(key(e), -1) : -1;
        }
    }

    private static String key(TraceEvent e) {
        return e.group() + " " + e.msg();
    }

    /** Computes every clock in an order where each send comes before its receipts. */
    private void walk() {
        int[] cursor = new int[processes.size()];
        // Processes parked at a receipt until its send is computed, by the send's index.
        Map<Integer, List<Integer>> waiting = new LinkedHashMap<>();
        int[] waitingAt = new int[processes.size()];
        Arrays.fill(waitingAt, -1);
        Deque<Integer> runnable = new ArrayDeque<>();
        for (int p = 0; p < processes.size(); p++) {
            runnable.add(p);
        }
        boolean[] takeWithoutSend = new boolean[processes.size()];
        while (true) {
            while (!runnable.isEmpty()) {
                int p = runnable.poll();
                Process process = processes.get(p);
                while (cursor[p] < process.count()) {
                    int i = process.first() + cursor[p];
                    int send = sendOf[i];
                    // A send on the same process is already in the local past: local order covers it.
                    boolean remoteSend = send >= 0 && processOf[send] != p;
                    if (remoteSend && clocks[send] == null && !takeWithoutSend[p]) {
                        waitingAt[p] = i;
                        waiting.computeIfAbsent(send, s -> new ArrayList<>()).add(p);
                        break;
                    }
                    VectorClock previous = cursor[p] == 0 ? VectorClock.EMPTY : clocks[i - 1];
                    int previousLamport = cursor[p] == 0 ? 0 : lamport[i - 1];
                    if (remoteSend && clocks[send] == null) {
                        takeWithoutSend[p] = false;
                        TraceEvent e = events.get(i);
                        notes.add(e.where() + ": " + e.node() + " " + e.event() + " of " + e.group() + " " + e.msg()
                                + " is in a cycle of receipts and sends no real run can produce; taken without its send");
                    } else if (remoteSend) {
                        previous = previous.merge(clocks[send]);
                        previousLamport = Math.max(previousLamport, lamport[send]);
                    }
                    clocks[i] = previous.increment(process.name());
                    lamport[i] = previousLamport + 1;
                    cursor[p]++;
                    List<Integer> woken = waiting.remove(i);
                    if (woken != null) {
                        for (int w : woken) {
                            waitingAt[w] = -1;
                            runnable.add(w);
                        }
                    }
                }
            }
            int stuck = -1;
            for (int p = 0; p < processes.size() && stuck < 0; p++) {
                if (cursor[p] < processes.get(p).count()) {
                    stuck = p;
                }
            }
            if (stuck < 0) {
                return;
            }
            int send = sendOf[waitingAt[stuck]];
            waiting.get(send).remove(Integer.valueOf(stuck));
            waitingAt[stuck] = -1;
            takeWithoutSend[stuck] = true;
            runnable.add(stuck);
        }
    }
}
