package dev.jgrad.examples.mnist;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The examples' console logging (time, level, class, message; INFO and up), set up in code.
 * Logback's XML configuration would do the same, but reading it loads about 470 more classes and
 * took 0.10-0.12 s of every run's start on two cores, more than a training epoch of the main job.
 *
 * <p>A user's own configuration still wins: with {@code -Dlogback.configurationFile} set, or a
 * {@code logback.xml} or {@code logback-test.xml} on the class path, this steps aside and logback
 * reads that file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss} %-5level %logger{0}: %msg%n";

  /** Public with no arguments: logback creates it through ServiceLoader. */
  public ConsoleLogging() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (userConfiguration(System.getProperty("logback.configurationFile"),
        ConsoleLogging.class.getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    return configureConsole(context);
  }

  /** The examples' console appender on the root logger, at INFO. */
  ExecutionStatus configureConsole(LoggerContext context) {
    ConsoleLayout layout = new ConsoleLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("CONSOLE");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether logback should read a configuration file the user gave, as without this class. */
  static boolean userConfiguration(String configurationFileProperty, ClassLoader loader) {
    return configurationFileProperty != null
        || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null;
  }
}
