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

  /**
   * Every number of a stream's settings that cannot describe a stream is refused when the settings
   * are read, naming the setting — not later, as a crash of the source or sink actor (a burst
   * smaller than one packet, for one, made the source's token bucket refuse the packet only once
   * the stream was running).
   */
  @Test
  void everyImpossibleNumberIsRefusedNamingItsSetting() {
    String[][] bad = {
        {"contract.bit-rate = -400000", "bit-rate"},
        {"contract.bit-rate = 0", "bit-rate"},
        {"contract.max-delay = -1s", "max-delay"},
        {"contract.max-jitter = -1ms", "max-jitter"},
        {"contract.max-setup-delay = 0s", "max-setup-delay"},
        {"contract.mode = sometimes", "sometimes"},
        {"id = -1", "sidis.stream.id"},
        {"sink-port = 70000", "sidis.stream.sink-port"},
        {"sink-port = -1", "sidis.stream.sink-port"},
        {"length = -1s", "sidis.stream.length"},
        {"audio-frame-bytes = 0", "sidis.stream.audio-frame-bytes"},
        {"video-frame-bytes = -1", "sidis.stream.video-frame-bytes"},
        {"frames-per-packet = 0", "sidis.stream.frames-per-packet"},
        {"frames-per-packet = 65", "sidis.stream.frames-per-packet"},
        {"frames-per-packet = 64", "a UDP datagram carries at most 65507"},
        {"rate = 0", "sidis.stream.rate"},
        {"rate = -160000", "sidis.stream.rate"},
        {"burst = -1", "sidis.stream.burst"},
        {"burst = 1000", "sidis.stream.burst"},
        {"repair-budget = -1ms", "sidis.stream.repair-budget"},
        {"jitter-factor = -4", "sidis.stream.jitter-factor"},
        {"max-playout-delay = -1s", "sidis.stream.max-playout-delay"},
        {"loss-slack = -1ms", "sidis.stream.loss-slack"},
        {"playout-margin = -1ms", "sidis.stream.playout-margin"},
        {"link.capacity = -1", "sidis.stream.link.capacity"},
        {"link.capacity = 0", "sidis.stream.link.capacity"},
        {"link.delay = -1ms", "sidis.stream.link.delay"},
        {"link.jitter = -1ms", "sidis.stream.link.jitter"},
        {"link.setup-rtt = -1ms", "sidis.stream.link.setup-rtt"},
    };
    java.util.List<String> wrong = new java.util.ArrayList<>();
    for (String[] b : bad) {
      try {
        StreamSettings.fromConfig(stream("sidis.stream." + b[0]));
        wrong.add(b[0] + ": accepted");
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().contains(b[1])) wrong.add(b[0] + ": the error does not name [" + b[1] + "]: " + e.getMessage());
      } catch (RuntimeException e) {
        wrong.add(b[0] + ": " + e);
      }
    }
    assertEquals(java.util.List.of(), wrong, "each bad setting refused with an error naming it");
    // the negative control: the same reading accepts the defaults and each limit's edge
    for (String ok : new String[] {"", "frames-per-packet = 64\nsidis.stream.video-frame-bytes = 800\nsidis.stream.burst = 60000", "sink-port = 0", "repair-budget = 0ms", "jitter-factor = 0", "link.jitter = 0ms"})
      StreamSettings.fromConfig(stream(ok.isEmpty() ? "" : "sidis.stream." + ok));
  }
}
