package org.sidis.stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream service's settings and its admission at setup: an impossible contract is refused with its reason. */
class StreamServiceTest {

  private static Config stream(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).getConfig("sidis.stream");
  }

  @Test
  void theDefaultsDescribeAComplexInterleavedStreamWithRepair() {
    StreamSettings s = StreamSettings.fromConfig(stream(""));
    assertEquals(Map.of(Flow.AUDIO, 1000L, Flow.VIDEO, 500L), s.frames());
    assertEquals(new Interleaver(2, 4), s.interleavers().get(Flow.AUDIO));
    assertEquals(140_000, s.holdUs().get(Flow.AUDIO), "a block of 8 audio frames holds the first 7 periods");
    assertEquals(410_000, s.bufferingUs(), "the longest hold plus the repair budget and the playout margin");
    assertEquals(Mode.ISOCHRONOUS, s.sinkSettings().mode());
    assertTrue(Admission.of(s.link()).admit(s.contract(), s.bufferingUs()) instanceof Admission.Admitted, "the default contract is admitted on the default link");
  }

  @Test
  void theModeOfTheContractPicksTheSinksBuffer() {
    assertEquals(new JitterBuffer.Settings(699_000, 0, 0, 699_000), StreamSettings.fromConfig(stream("sidis.stream.contract.mode = sync")).sinkSettings().buffer(),
        "synchronous: a fixed deadline at the maximum delay beyond the link's");
    assertEquals(Mode.ASYNC, StreamSettings.fromConfig(stream("sidis.stream.contract.mode = async")).sinkSettings().mode());
    assertEquals(0.0, StreamSettings.fromConfig(stream("sidis.stream.contract.mode = async")).sinkSettings().buffer().jitterFactor());
  }

  @Test
  void badSettingsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamSettings.fromConfig(stream("sidis.stream.contract.jitter = 1ms")))
        .getMessage().contains("unknown QoS field(s) [jitter]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamSettings.fromConfig(stream("sidis.stream.flows = [audio, smell]")))
        .getMessage().contains("unknown flow [smell]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamSettings.fromConfig(stream("sidis.stream.role = both")))
        .getMessage().contains("source or sink"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamSettings.fromConfig(stream("sidis.stream.length = 1ms")))
        .getMessage().contains("shorter than one audio frame"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamSettings.fromConfig(stream("sidis.stream.on-time-target = 1.5")))
        .getMessage().contains("on-time-target must be in (0, 1]"));
  }
}
