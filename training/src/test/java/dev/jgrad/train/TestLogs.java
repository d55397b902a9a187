package dev.jgrad.train;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The messages a class logs at one level while an action runs, for tests of log lines. */
final class TestLogs {
  /** An action that may throw, as a test's. */
  interface Action {
    void run() throws Exception;
  }

  private TestLogs() {}

  static List<String> messages(Class<?> source, Level level, Action action) {
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(source);
    Level was = logger.getLevel();
    logger.setLevel(Level.ALL); // the test configuration logs WARN and up only
    events.start();
    logger.addAppender(events);
    try {
      action.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      logger.detachAppender(events);
      logger.setLevel(was);
    }
    return events.list.stream().filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
