package dev.jgrad.api;

import java.util.Locale;

/**
 * jgrad's {@code -D} settings, read strictly: a value that does not parse, or lies outside what
 * the setting takes, is an {@link IllegalArgumentException} naming the property, the value and
 * what to give instead. A typo never silently becomes the default ({@code Integer.getInteger}
 * does that) or a raw {@code NumberFormatException} from a class initializer.
 *
 * <pre>{@code
 * int threads = SystemProperties.integer("jgrad.cpu.threads", 4, 1);  // -Djgrad.cpu.threads=2
 * }</pre>
 */
public final class SystemProperties {
  private SystemProperties() {}

  /** A whole number of at least {@code min}, or {@code defaultValue} when the property is unset. */
  public static int integer(String name, int defaultValue, int min) {
    long v = longInteger(name, defaultValue, min);
    if (v > Integer.MAX_VALUE) {
      throw bad(name, "is too large", "a whole number from " + min + " to " + Integer.MAX_VALUE,
          defaultValue);
    }
    return (int) v;
  }

  /** A whole number of at least {@code min}, or {@code defaultValue} when the property is unset. */
  public static long longInteger(String name, long defaultValue, long min) {
    String s = value(name);
    if (s == null) {
      return defaultValue;
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw bad(name, "is not a whole number", "a whole number of at least " + min, defaultValue);
    }
    if (v < min) {
      throw bad(name, "is below " + min, "a whole number of at least " + min, defaultValue);
    }
    return v;
  }

  /**
   * A finite number from {@code min} to {@code max}, or {@code defaultValue} when the property
   * is unset.
   */
  public static double number(String name, double defaultValue, double min, double max) {
    String s = value(name);
    if (s == null) {
      return defaultValue;
    }
    String range = "a number from " + min + " to " + max;
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw bad(name, "is not a number", range, defaultValue);
    }
    if (!(v >= min && v <= max)) { // NaN too
      throw bad(name, "is out of range", range, defaultValue);
    }
    return v;
  }

  /** {@code true} or {@code false} (any case), or {@code defaultValue} when the property is unset. */
  public static boolean flag(String name, boolean defaultValue) {
    String s = value(name);
    if (s == null) {
      return defaultValue;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(name, "is not a boolean", "true or false", defaultValue);
    };
  }

  /**
   * One of {@code allowed} (any case; returned as listed), or {@code defaultValue} when the
   * property is unset.
   */
  public static String choice(String name, String defaultValue, String... allowed) {
    String s = value(name);
    if (s == null) {
      return defaultValue;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(s)) {
        return a;
      }
    }
    throw bad(name, "is not one of the choices", "one of " + String.join(", ", allowed),
        defaultValue);
  }

  /** The property's value, trimmed, or null when it is unset. */
  private static String value(String name) {
    String s = System.getProperty(name);
    return s == null ? null : s.trim();
  }

  private static IllegalArgumentException bad(String name, String problem, String takes,
      Object defaultValue) {
    return new IllegalArgumentException("-D" + name + "=" + System.getProperty(name) + " "
        + problem + "; give " + takes + ", or leave it out for the default (" + defaultValue
        + ")");
  }
}
