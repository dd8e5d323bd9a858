package org.sidis.wire;

import akka.actor.ExtendedActorSystem;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import akka.serialization.jackson.JacksonSerializer;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import java.util.Optional;

/**
 * A hostile peer's jackson-cbor: on the sender's side it takes the place of Akka's serializer
 * (same identifier, 33), so a {@link Forged} message crosses the wire as exactly the bytes and
 * manifest it carries — a class name the receiver will look up, and CBOR it did not write —
 * while every other message (a reply to the attacker's probe) goes through the real serializer.
 */
public final class Forger extends JacksonSerializer {

  /** Raw bytes that arrive at the receiver as jackson-cbor with {@code manifest}. */
  public record Forged(String manifest, byte[] bytes) {}

  /**
   * A {@link JacksonSerializer}, as Akka's CBOR one is (it is final): Akka's Jackson serializers
   * accept a class only when the serializer bound to it is a Jackson one.
   */
  public Forger(ExtendedActorSystem system) {
    super(system, "jackson-cbor",
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.of(new CBORFactory())));
  }

  @Override
  public String manifest(Object o) {
    return o instanceof Forged f ? f.manifest() : super.manifest(o);
  }

  @Override
  public byte[] toBinary(Object o) {
    return o instanceof Forged f ? f.bytes() : super.toBinary(o);
  }
}
