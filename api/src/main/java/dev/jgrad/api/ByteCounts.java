package dev.jgrad.api;

import java.util.Locale;

/** Byte counts in backends' messages, the same words on every backend. */
public final class ByteCounts {
  private ByteCounts() {}

  /** A byte count for people: "512 bytes", "1.5 KiB", "190.7 MiB", "2.0 GiB". */
  public static String human(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
