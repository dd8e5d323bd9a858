package org.sidis.node.tls;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How refusals read and how often they are logged, as values. */
class RefusalsTest {

  @Test
  void theFirstRefusalOfAKindIsLoggedThenOneEveryQuietPeriodWithTheCountInBetween() {
    RefusalLog log = new RefusalLog(10);
    assertEquals(0, log.admit("plain", 100));
    assertEquals(-1, log.admit("plain", 105));
    assertEquals(-1, log.admit("plain", 109));
    assertEquals(0, log.admit("other CA", 109), "another kind is logged at once");
    assertEquals(2, log.admit("plain", 110), "after the quiet period: logged, with the two held back");
    assertEquals(-1, log.admit("plain", 111));
  }

  @Test
  void aHandshakeFailureReadsAsWhatItMeansForAnOperator() {
    assertTrue(RefusingEngine.reason(new SSLException("Unsupported or unrecognized SSL message")).contains("does not speak TLS"));
    assertTrue(RefusingEngine.reason(new SSLHandshakeException("Received fatal alert: certificate_unknown"))
        .contains("rejected this node's certificate"));
    assertTrue(RefusingEngine.reason(new SSLHandshakeException("Empty client certificate chain"))
        .contains("no certificate signed by this cluster's CA"));
    // Negative control: a failure we have no words for is passed on as it is.
    assertEquals("TLS handshake failed: something new", RefusingEngine.reason(new SSLException("something new")));
  }
}
