package org.sidis.rpc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Copy-in/copy-out marshalling with Jackson: a call travels as {@code {"m": signature, "a":
 * [args]}}, an answer as {@code {"r": value}} or {@code {"e": {"kind", "type", "message"}}}.
 * Arguments are copied by value — no references cross: an object graph arrives as a copy.
 */
public final class Marshalling {

  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .registerModule(new ParameterNamesModule());

  private Marshalling() {}

  /** A method's name on the wire: name and parameter types (the return type chooses the call mode, not the method). */
  public static String signature(Method m) {
    return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName).collect(Collectors.joining(",", "(", ")"));
  }

  /** A call: {@code {"m": signature, "c": call id, "a": [args]}}; the id is null when nobody traces. */
  static String marshalCall(Method m, String signature, String callId, Object[] args, int maxBytes) {
    // Written straight to text (no tree in between): this runs on every call.
    java.io.StringWriter out = new java.io.StringWriter(128);
    Class<?>[] types = m.getParameterTypes();
    try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("m", signature);
      if (callId != null) g.writeStringField("c", callId);
      g.writeArrayFieldStart("a");
      for (int i = 0; args != null && i < args.length; i++) {
        try {
          MAPPER.writeValue(g, args[i]);
        } catch (java.io.IOException | RuntimeException e) {
          throw new RpcException.MarshallingException("cannot marshal parameter " + (i + 1) + " (" + types[i].getTypeName()
              + (args[i] == null ? "" : ", value of " + args[i].getClass().getName()) + ") of "
              + m.getDeclaringClass().getSimpleName() + "." + m.getName() + ": " + firstLine(e), e);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new RpcException.MarshallingException("cannot marshal the call of " + m.getDeclaringClass().getSimpleName()
          + "." + m.getName() + ": " + firstLine(e), e);
    }
    String payload = out.toString();
    // A char is at most 3 UTF-8 bytes: only a payload that might be too large is encoded to count.
    int size = payload.length() * 3L <= maxBytes ? payload.length() : payload.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxBytes) {
      throw new RpcException.MarshallingException("request of " + m.getDeclaringClass().getSimpleName() + "." + m.getName()
          + " is " + size + " bytes marshalled, more than sidis.rpc.max-payload-bytes (" + maxBytes + ")", null);
    }
    return payload;
  }

  /** The type the caller expects back: T of CompletionStage&lt;T&gt; or Polled&lt;T&gt;, else the return type. */
  static JavaType resultType(Method m) {
    Type t = m.getGenericReturnType();
    if ((m.getReturnType() == CompletionStage.class || m.getReturnType() == Polled.class) && t instanceof ParameterizedType p) {
      t = p.getActualTypeArguments()[0];
    }
    return MAPPER.getTypeFactory().constructType(t);
  }

  static Object unmarshalResult(String answer, Method m, JavaType type) {
    try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(answer)) {
      // {"r": value} is read straight into the expected type; {"e": …} becomes the remote exception.
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT
          || p.nextToken() != com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        throw new IllegalArgumentException("not an answer: " + answer);
      }
      String field = p.currentName();
      p.nextToken();
      if (field.equals("e")) {
        JsonNode e = MAPPER.readTree(p);
        throw new RpcException.RemoteException(e.path("kind").asText(), e.path("type").asText(),
            e.hasNonNull("message") ? e.get("message").asText() : null);
      }
      if (type.getRawClass() == void.class || type.getRawClass() == Void.class) return null;
      return MAPPER.readValue(p, type);
    } catch (RpcException ex) {
      throw ex;
    } catch (Exception ex) {
      throw new RpcException.MarshallingException("cannot unmarshal the result of " + m.getDeclaringClass().getSimpleName()
          + "." + m.getName() + " as " + type + ": " + firstLine(ex), ex);
    }
  }

  static String result(Object value) {
    java.io.StringWriter out = new java.io.StringWriter(128);
    try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("r");
      MAPPER.writeValue(g, value);
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(firstLine(e), e);
    }
    return out.toString();
  }

  static String error(String kind, String type, String message) {
    ObjectNode n = MAPPER.createObjectNode();
    ObjectNode e = n.putObject("e");
    e.put("kind", kind);
    e.put("type", type);
    e.put("message", message);
    return n.toString();
  }

  static String firstLine(Throwable e) {
    String s = String.valueOf(e.getMessage());
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
