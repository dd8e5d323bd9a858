package org.sidis.mom;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How the gateway carries an HTTP body, which is bytes, in a queue message, whose payload is a
 * string (QueueProtocol), so that any body comes back byte for byte (issue 18).
 *
 * <p>A body that is valid UTF-8 is its text: what a consumer inside the cluster reads, as it
 * always was. Any other body — binary, or text in another charset — is {@link #MARK} followed by
 * the body in base64. {@code U+FDD0} is a Unicode noncharacter, "permanently reserved for
 * internal use" (The Unicode Standard, section 23.7, "Noncharacters"), so no text a client means
 * starts with it; a UTF-8 body that does start with it is base64-encoded too, so decoding is
 * never ambiguous. Strict decoding matters: Java's lenient UTF-8 decoder replaces malformed bytes
 * with U+FFFD, which would lose them.
 *
 * <p>An encoded binary body is 4/3 as long, and a queue counts its payload's UTF-8 bytes against
 * {@code sidis.mom.max-message-bytes}.
 */
public final class GatewayPayload {

  /** The first character of a base64-carried body. */
  public static final char MARK = '\uFDD0';
  private static final String PREFIX = MARK + "base64:";

  private GatewayPayload() {}

  /** The queue payload for an HTTP body. */
  public static String fromBody(byte[] body) {
    String text = strictUtf8(body);
    if (text != null && (text.isEmpty() || text.charAt(0) != MARK)) return text;
    return PREFIX + Base64.getEncoder().encodeToString(body);
  }

  /** The HTTP body for a queue payload: the bytes {@link #fromBody} was given. */
  public static byte[] toBody(String payload) {
    if (payload.startsWith(PREFIX)) {
      try {
        return Base64.getDecoder().decode(payload.substring(PREFIX.length()));
      } catch (IllegalArgumentException notBase64) {
        // Not made by fromBody (a producer inside the cluster wrote it): hand it on as its text.
      }
    }
    return payload.getBytes(StandardCharsets.UTF_8);
  }

  /** The text of {@code bytes} when they are valid UTF-8, else null. */
  static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
