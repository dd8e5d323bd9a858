package org.sidis.wire;

/**
 * Marker for every message that crosses the network. It is bound to Akka's Jackson CBOR
 * serializer in conf/reference.conf, so a message class opts into the wire by implementing
 * it — and a message that forgot to is refused at send time instead of falling back to Java
 * serialization.
 */
public interface CborSerializable {}
