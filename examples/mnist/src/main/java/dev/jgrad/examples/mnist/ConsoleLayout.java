package dev.jgrad.examples.mnist;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The examples' console line, {@code HH:mm:ss LEVEL Logger: message}, as the pattern
 * {@value ConsoleLogging#PATTERN} gives it, written out by hand: logback's PatternLayout spins
 * about 70 lambdas and parses its pattern when it starts, a tenth of a second of each run.
 */
final class ConsoleLayout extends LayoutBase<ILoggingEvent> {
  private final ZoneId zone = ZoneId.systemDefault();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(128);
    LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
    twoDigits(sb, t.getHour()).append(':');
    twoDigits(sb, t.getMinute()).append(':');
    twoDigits(sb, t.getSecond()).append(' ');
    String level = event.getLevel().toString();
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    String logger = event.getLoggerName();
    sb.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ")
        .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      sb.append(ThrowableProxyUtil.asString(thrown)); // ends its own last line
    }
    return sb.toString();
  }

  private static StringBuilder twoDigits(StringBuilder sb, int value) {
    return sb.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
