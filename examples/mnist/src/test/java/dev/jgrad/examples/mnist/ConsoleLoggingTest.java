package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
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
    var encoder = assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder());
    Logger logger = context.getLogger("dev.jgrad.api.Backends");
    LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "jgrad backend: {}",
        null, new Object[] {"cpu"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(line.matches("[0-9]{2}:[0-9]{2}:[0-9]{2} INFO  Backends: jgrad backend: cpu\\R"),
        line);
    context.stop();
  }
}
