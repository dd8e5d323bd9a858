package org.sidis.mom;

import akka.actor.typed.ActorRef;
import org.sidis.mom.QueueProtocol.Put;
import org.sidis.mom.QueueProtocol.Receipt;
import org.sidis.mom.QueueProtocol.Reply;
import org.sidis.mom.QueueProtocol.SyncPoint;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A queue's senders that asked to hear when their message is delivered and when it is processed. */
final class Receipts {
  private final String queue;
  private final Map<String, ActorRef<Reply>> waiting = new HashMap<>();
  private final Set<String> delivered = new HashSet<>();

  Receipts(String queue) {
    this.queue = queue;
  }

  void expect(Put put) {
    if (put.receipts() != null) waiting.put(put.msgId(), put.receipts());
  }

  /** The first delivery only: a redelivery is not news to the sender. */
  void delivered(String msgId) {
    ActorRef<Reply> to = waiting.get(msgId);
    if (to != null && delivered.add(msgId)) to.tell(new Receipt(queue, msgId, SyncPoint.DELIVERY));
  }

  void processed(String msgId) {
    ActorRef<Reply> to = waiting.remove(msgId);
    delivered.remove(msgId);
    if (to != null) to.tell(new Receipt(queue, msgId, SyncPoint.PROCESSING));
  }

  /** The message was dead-lettered: it will never be processed, and its sender hears so. */
  void forget(String msgId) {
    ActorRef<Reply> to = waiting.remove(msgId);
    delivered.remove(msgId);
    if (to != null) to.tell(new QueueProtocol.Refused(queue, msgId, "dead-lettered after max-deliveries without an ack"));
  }
}
