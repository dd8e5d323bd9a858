package org.sidis.mom;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The queue settings' own checks: limits that the transport cannot carry, and values a queue cannot run with, fail at start. */
class QueueSettingsTest {

  private static final long FRAME = 256 * 1024;

  private static QueueSettings fromConfig(Map<String, Object> overrides) {
    Config mom = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load().getConfig("sidis.mom"));
    return QueueSettings.fromConfig(mom);
  }

  @Test
  void theDefaultsFitArterysFrame() {
    QueueSettings.defaults().checkFrame(FRAME);
    fromConfig(Map.of()).checkFrame(FRAME);
    assertEquals(FRAME, ConfigFactory.load().getBytes("akka.remote.artery.advanced.maximum-frame-size"),
        "the frame these defaults are checked against");
  }

  @Test
  void aMessageOrReplyLimitOverTheFrameIsRefusedAtStartNamingTheSetting() {
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
        () -> fromConfig(Map.of("max-message-bytes", "250KiB")).checkFrame(FRAME));
    assertTrue(m.getMessage().contains("max-message-bytes") && m.getMessage().contains("maximum-frame-size"), m.getMessage());
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
        () -> fromConfig(Map.of("max-reply-bytes", "256KiB")).checkFrame(FRAME));
    assertTrue(r.getMessage().contains("max-reply-bytes"), r.getMessage());
  }

  @Test
  void valuesAQueueCannotRunWithAreRefusedWhenRead() {
    for (Map.Entry<String, Object> bad : Map.<String, Object>of("visibility-timeout", "0s", "tick", "0s", "max-deliveries", 0,
        "max-batch", 0, "max-reply-bytes", 10).entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromConfig(Map.of(bad.getKey(), bad.getValue())),
          bad.toString());
      assertTrue(e.getMessage().contains(bad.getKey()), bad + ": " + e.getMessage());
    }
  }
}
