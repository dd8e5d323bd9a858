package org.sidis.node;

import akka.actor.typed.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Wire messages through Akka's own serializer, as they cross between ActorSystems. */
public final class WireRoundTrip {

  /** The identifier of Akka's jackson-cbor serializer. */
  private static final int JACKSON_CBOR = 33;

  private WireRoundTrip() {}

  /** Each message is serialized by jackson-cbor and deserializes to an equal message. */
  public static void assertEachCrossesJacksonCbor(ActorSystem<?> system, List<?> messages) {
    Serialization serialization = SerializationExtension.get(system);
    for (Object msg : messages) {
      Serializer serializer = serialization.findSerializerFor(msg);
      assertEquals(JACKSON_CBOR, serializer.identifier(), "jackson-cbor for " + msg.getClass().getSimpleName());
      byte[] bytes = serialization.serialize(msg).get();
      assertEquals(msg, serialization.deserialize(bytes, serializer.identifier(),
          Serializers.manifestFor(serializer, msg)).get());
    }
  }
}
