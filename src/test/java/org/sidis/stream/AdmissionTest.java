package org.sidis.stream;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.sidis.stream.Admission.Admitted;
import org.sidis.stream.Admission.Decision;
import org.sidis.stream.Admission.Link;
import org.sidis.stream.Admission.Refused;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission control: a contract the link cannot keep is refused with its reason, never admitted and degraded. */
class AdmissionTest {

  // 2 Mbit/s, 10 ms one way, 30 ms jitter, 20 ms setup round trip
  private static final Link LINK = new Link(2_000_000, 10_000, 30_000, 20_000);

  private static QosContract contract(long bps, long maxDelayMs, long maxJitterMs, Mode mode) {
    return new QosContract(bps, maxDelayMs * 1000, maxJitterMs * 1000, 1_000_000, mode);
  }

  private static String refusal(Decision d) {
    return assertInstanceOf(Refused.class, d, "expected a refusal, got " + d).reason();
  }

  @Test
  void admitsWhatFitsAndCountsItAgainstTheCapacity() {
    Admission a = Admission.of(LINK);
    Decision first = a.admit(contract(1_200_000, 400, 10, Mode.ISOCHRONOUS), 200_000);
    Admission after = assertInstanceOf(Admitted.class, first).next();
    assertEquals(800_000, after.freeBps());
    String reason = refusal(after.admit(contract(1_000_000, 400, 10, Mode.ISOCHRONOUS), 200_000));
    assertTrue(reason.contains("bit rate 1000 kbit/s exceeds the link's free capacity 800 kbit/s"), reason);
    assertInstanceOf(Admitted.class, Admission.of(LINK).admit(contract(1_000_000, 400, 10, Mode.ISOCHRONOUS), 200_000),
        "negative control: the same contract fits an empty link");
    assertEquals(2_000_000, after.release(contract(1_200_000, 400, 10, Mode.ISOCHRONOUS)).freeBps(), "release gives the capacity back");
  }

  @Test
  void isochronousNeedsRoomForDelayJitterAndBuffering() {
    Admission a = Admission.of(LINK);
    String reason = refusal(a.admit(contract(100_000, 200, 10, Mode.ISOCHRONOUS), 200_000));
    assertTrue(reason.contains("below the playout delay 240 ms"), reason);
    assertInstanceOf(Admitted.class, a.admit(contract(100_000, 240, 10, Mode.ISOCHRONOUS), 200_000), "exactly enough");
  }

  @Test
  void synchronousPassesTheLinksJitterOnSoItMustBeWithinTheContract() {
    Admission a = Admission.of(LINK);
    String reason = refusal(a.admit(contract(100_000, 400, 10, Mode.SYNC), 0));
    assertTrue(reason.contains("max jitter 10 ms is below the link's jitter 30 ms"), reason);
    assertTrue(refusal(a.admit(contract(100_000, 30, 30, Mode.SYNC), 0)).contains("worst delay 40 ms"));
    assertInstanceOf(Admitted.class, a.admit(contract(100_000, 40, 30, Mode.SYNC), 0));
  }

  @Test
  void asynchronousBoundsNoDelayButStillTheCapacityAndSetup() {
    Admission a = Admission.of(LINK);
    assertInstanceOf(Admitted.class, a.admit(contract(100_000, 1, 0, Mode.ASYNC), 10_000_000));
    assertTrue(refusal(a.admit(contract(3_000_000, 1, 0, Mode.ASYNC), 0)).contains("exceeds"));
    String setup = refusal(a.admit(new QosContract(100_000, 1000, 0, 10_000, Mode.ASYNC), 0));
    assertTrue(setup.contains("max setup delay 10 ms is shorter than the setup round trip 20 ms"), setup);
  }

  @Test
  void aContractIsReadFromHoconAndAnUnknownFieldIsNamed() {
    QosContract c = QosContract.fromConfig(ConfigFactory.parseString(
        "bit-rate = 256000, max-delay = 400ms, max-jitter = 20ms, max-setup-delay = 2s, mode = isochronous"));
    assertEquals(new QosContract(256_000, 400_000, 20_000, 2_000_000, Mode.ISOCHRONOUS), c);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QosContract.fromConfig(ConfigFactory.parseString(
        "bit-rate = 256000, max-delay = 400ms, max-jitter = 20ms, max-setup-delay = 2s, mode = sync, max-jiter = 3ms")));
    assertTrue(e.getMessage().contains("unknown QoS field(s) [max-jiter]"), e.getMessage());
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> QosContract.fromConfig(ConfigFactory.parseString(
        "bit-rate = 256000, max-delay = 400ms, max-jitter = 20ms, max-setup-delay = 2s, mode = sometimes")));
    assertTrue(m.getMessage().contains("[async, sync, isochronous]"), m.getMessage());
    assertThrows(IllegalArgumentException.class, () -> QosContract.fromConfig(ConfigFactory.parseString("bit-rate = 1")), "missing fields");
    assertThrows(IllegalArgumentException.class, () -> new QosContract(1, 10, 20, 1, Mode.SYNC), "jitter beyond the delay");
  }
}
