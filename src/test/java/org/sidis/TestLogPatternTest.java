package org.sidis;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests' own log pattern (src/test/resources/logback-test.xml, which every test and the child
 * JVMs tests start use) renders: it once wrote {@code %logger{20}} literally for every line without
 * an actor source, e.g. every line of the JGroups peer's members.
 */
class TestLogPatternTest {

  @Test
  void aLineNamesItsLoggerAndItsActorWhenThereIsOneAndNothingRendersLiterally() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = ctx.getLogger("org.sidis.example.Thing");
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> stdout = (OutputStreamAppender<ILoggingEvent>) ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    PatternLayoutEncoder encoder = (PatternLayoutEncoder) stdout.getEncoder();

    LoggingEvent plain = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "hello", null, null);
    String line = new String(encoder.encode(plain), StandardCharsets.UTF_8);
    assertTrue(line.contains("o.s.example.Thing") || line.contains("org.sidis.example.Thing"), "no logger name: " + line);
    assertFalse(line.contains("%") || line.contains("{") || line.contains("[]"), "a pattern part rendered literally: " + line);

    LoggingEvent fromActor = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "hello", null, null);
    fromActor.setMDCPropertyMap(Map.of("akkaSource", "akka://s/user/worker"));
    String actorLine = new String(encoder.encode(fromActor), StandardCharsets.UTF_8);
    assertTrue(actorLine.contains("[akka://s/user/worker]"), "no actor path: " + actorLine);
  }
}
