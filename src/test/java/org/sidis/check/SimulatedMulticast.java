package org.sidis.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A group of nodes multicasting over a network that reorders and duplicates, written out as trace
 * files: long, realistic traces for tests, generated rather than committed.
 *
 * <p>{@link Ordering#CAUSAL} delivers by the Birman–Schiper–Stephenson rule with vector clocks;
 * {@link Ordering#FIFO} only holds back until the origin's previous message was delivered.
 *
 * <p>As it runs, the simulation also keeps each node's causal history (per origin, the highest
 * counter delivered or multicast there, or inherited from what was delivered there) and counts the
 * deliveries that come before part of their message's history: an oracle, computed in the order
 * things happen, that the causal check — which must rebuild that history from the trace files after
 * the fact — has to agree with. Neither clock nor history is written to the trace.
 */
final class SimulatedMulticast {

    enum Ordering { FIFO, CAUSAL }

    /**
     * @param vc      the BSS vector clock: per origin, the messages delivered at the origin, this one included
     * @param history per origin, the highest counter that causally precedes this message
     */
    private record Message(int origin, int counter, int[] vc, int[] history) {
        String id() {
            return "n" + (origin + 1) + ":" + counter;
        }
    }

    private final int nodeCount;
    private final int messageCount;
    private final Ordering ordering;
    private final Random random;
    private int causalViolations;

    SimulatedMulticast(int nodeCount, int messageCount, Ordering ordering, long seed) {
        this.nodeCount = nodeCount;
        this.messageCount = messageCount;
        this.ordering = ordering;
        this.random = new Random(seed);
    }

    /** Runs the group to quiescence and writes {@code runDir/trace/n<i>.jsonl}; returns runDir. */
    Path writeTo(Path runDir) {
        TraceFiles run = new TraceFiles(runDir, ordering.name().toLowerCase(), "chat");
        List<TraceFiles.Node> nodes = new ArrayList<>();
        int[][] delivered = new int[nodeCount][nodeCount];
        int[][] history = new int[nodeCount][nodeCount];
        int[] sent = new int[nodeCount];
        List<List<Message>> inFlight = new ArrayList<>();
        List<List<Message>> holdBack = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(run.node("n" + (i + 1)));
            inFlight.add(new ArrayList<>());
            holdBack.add(new ArrayList<>());
        }
        int multicasts = 0;
        while (multicasts < messageCount || inFlight.stream().anyMatch(q -> !q.isEmpty())) {
            int i = random.nextInt(nodeCount);
            List<Message> arriving = inFlight.get(i);
            boolean multicastNow = multicasts < messageCount && (arriving.isEmpty() || random.nextInt(3) == 0);
            if (multicastNow) {
                multicasts++;
                sent[i]++;
                int[] vc = delivered[i].clone();
                vc[i]++;
                Message m = new Message(i, sent[i], vc, history[i].clone());
                history[i][i] = m.counter();
                nodes.get(i).multicasts(m.id());
                deliver(m, delivered[i], history[i], nodes.get(i));
                for (int j = 0; j < nodeCount; j++) {
                    if (j != i) {
                        inFlight.get(j).add(m);
                        if (random.nextInt(50) == 0) {
                            inFlight.get(j).add(m);
                        }
                    }
                }
            } else if (!arriving.isEmpty()) {
                // The network reorders: any message in flight to i may arrive next.
                int pick = random.nextInt(arriving.size());
                Message m = arriving.get(pick);
                arriving.set(pick, arriving.get(arriving.size() - 1));
                arriving.remove(arriving.size() - 1);
                nodes.get(i).receives(m.id());
                boolean duplicate = m.counter() <= delivered[i][m.origin()] || holdBack.get(i).contains(m);
                if (duplicate) {
                    nodes.get(i).logs("drop", m.id());
                } else {
                    holdBack.get(i).add(m);
                    deliverReady(delivered[i], history[i], holdBack.get(i), nodes.get(i));
                }
            }
        }
        run.write();
        return runDir;
    }

    private void deliverReady(int[] delivered, int[] history, List<Message> held, TraceFiles.Node trace) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Iterator<Message> it = held.iterator(); it.hasNext(); ) {
                Message m = it.next();
                if (ready(m, delivered)) {
                    it.remove();
                    deliver(m, delivered, history, trace);
                    progress = true;
                }
            }
        }
    }

    private void deliver(Message m, int[] delivered, int[] history, TraceFiles.Node trace) {
        for (int k = 0; k < delivered.length; k++) {
            // Deliveries per origin are in FIFO order here, so "delivered" is also "everything up to".
            if (m.history()[k] > delivered[k]) {
                causalViolations++;
                break;
            }
        }
        delivered[m.origin()]++;
        for (int k = 0; k < history.length; k++) {
            history[k] = Math.max(history[k], m.history()[k]);
        }
        history[m.origin()] = Math.max(history[m.origin()], m.counter());
        trace.delivers(m.id());
    }

    private boolean ready(Message m, int[] delivered) {
        return ordering == Ordering.CAUSAL ? causallyReady(m, delivered) : m.counter() == delivered[m.origin()] + 1;
    }

    /** BSS: the next message from its origin, and everything its origin had delivered is delivered here. */
    private static boolean causallyReady(Message m, int[] delivered) {
        for (int k = 0; k < delivered.length; k++) {
            boolean ok = k == m.origin() ? m.vc()[k] == delivered[k] + 1 : m.vc()[k] <= delivered[k];
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Deliveries the simulation made before part of their message's causal history. */
    int causalViolations() {
        return causalViolations;
    }
}
