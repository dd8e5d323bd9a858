package org.sidis.stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.sidis.net.NetworkModel;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    assertEquals(390_000, s.bufferingUs(), "the longest hold plus the repair budget");
    assertNotNull(StreamService.sink(s, NetworkModel.PERFECT), "the default contract is admitted on the default link");
  }

  @Test
  void anImpossibleContractIsRefusedAtSetupWithItsReason() {
    IllegalArgumentException tooFast = assertThrows(IllegalArgumentException.class,
        () -> StreamService.sink(StreamSettings.fromConfig(stream("sidis.stream.contract.bit-rate = 20000000")), NetworkModel.PERFECT));
    assertTrue(tooFast.getMessage().contains("refused at setup: bit rate 20000 kbit/s exceeds the link's free capacity 10000 kbit/s"), tooFast.getMessage());
    IllegalArgumentException tooTight = assertThrows(IllegalArgumentException.class,
        () -> StreamService.sink(StreamSettings.fromConfig(stream("sidis.stream.contract.max-delay = 100ms")), NetworkModel.PERFECT));
    assertTrue(tooTight.getMessage().contains("below the playout delay 421 ms"), tooTight.getMessage());
    IllegalArgumentException sync = assertThrows(IllegalArgumentException.class,
        () -> StreamService.sink(StreamSettings.fromConfig(stream("sidis.stream.contract.mode = sync")), NetworkModel.PERFECT));
    assertTrue(sync.getMessage().contains("only isochronous sinks are built so far"), sync.getMessage());
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
  }
}
