package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLoggingTest {
  @TempDir
  Path dir;

  @Test
  void stepsAsideForTheUsersConfigurationOnly() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertFalse(ConsoleLogging.userConfiguration(null, empty));
      assertTrue(ConsoleLogging.userConfiguration("my-logback.xml", empty));
    }
    for (String name : new String[] {"logback.xml", "logback-test.xml"}) {
      Path folder = Files.createDirectories(dir.resolve(name + ".d"));
      Files.writeString(folder.resolve(name), "<configuration/>");
      try (URLClassLoader withFile = new URLClassLoader(new URL[] {folder.toUri().toURL()}, null)) {
        assertTrue(ConsoleLogging.userConfiguration(null, withFile), name);
      }
    }
  }

  @Test
  void configuresOneConsoleAppenderAtInfoInTheExamplesFormat() {
    LoggerContext context = new LoggerContext();
    ConsoleLogging logging = new ConsoleLogging();
    logging.setContext(context);
    // the test class path has a logback-test.xml, so the call steps aside here
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertFalse(root.iteratorForAppenders().hasNext());

    System.setProperty("logback.configurationFile", "");
    try {
      assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));
    } finally {
      System.clearProperty("logback.configurationFile");
    }

    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, logging.configureConsole(context));
    assertEquals(Level.INFO, root.getLevel());
    var appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("CONSOLE"));
    assertTrue(appender.isStarted());
    var encoder = assertInstanceOf(LayoutWrappingEncoder.class, appender.getEncoder());
    assertInstanceOf(ConsoleLayout.class, encoder.getLayout());
    Logger logger = context.getLogger("dev.jgrad.api.Backends");
    LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "jgrad backend: {}",
        null, new Object[] {"cpu"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(line.matches("[0-9]{2}:[0-9]{2}:[0-9]{2} INFO  Backends: jgrad backend: cpu\\R"),
        line);
    context.stop();
  }

  @Test
  void theLayoutWritesWhatThePatternWould() {
    LoggerContext context = new LoggerContext();
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(ConsoleLogging.PATTERN);
    pattern.start();
    ConsoleLayout layout = new ConsoleLayout();
    layout.setContext(context);
    layout.start();
    Exception thrown = new IllegalStateException("broken", new RuntimeException("cause"));
    Object[][] cases = {
        {"dev.jgrad.api.Backends", Level.INFO, "jgrad backend: {}", null},
        {"Plain", Level.WARN, "a warning with {} and {}", null},
        {"a.b.C$Inner", Level.ERROR, "failed: {}", thrown},
        {"x.Y", Level.DEBUG, "", null},
    };
    for (Object[] c : cases) {
      Logger logger = context.getLogger((String) c[0]);
      LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, (Level) c[1], (String) c[2],
          (Throwable) c[3], new Object[] {"one", 2});
      // 59 seconds past a minute: the time's digits all take part
      event.setTimeStamp(1_765_000_000_000L + 59_999);
      assertEquals(pattern.doLayout(event), layout.doLayout(event), c[0] + " " + c[1]);
    }
    context.stop();
  }
}
