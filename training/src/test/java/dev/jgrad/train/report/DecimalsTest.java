package dev.jgrad.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Decimals writes what String.format writes: random values of every magnitude, values next to a
 * rounding tie, random bit patterns, signed zeros and the non-finite values.
 */
class DecimalsTest {
  private static void assertSame(double v) {
    for (int d : new int[] {0, 1, 3, 4, 6}) {
      assertEquals(String.format(Locale.ROOT, "%." + d + "f", v), Decimals.fixed(v, d),
          v + " with " + d + " decimals");
    }
    assertEquals(String.format(Locale.ROOT, "%,.0f", v), Decimals.grouped(v), "grouped " + v);
  }

  @Test
  void fixedAndGroupedWriteWhatTheFormatterWrites() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 60_000; i++) {
      double v = switch (i % 5) {
        case 0 -> r.nextDouble() * 10;
        case 1 -> Math.round(r.nextDouble() * 1e7) / 1e7 + 5e-8; // near a tie at 6 decimals
        case 2 -> (r.nextInt(2_000_001) - 1_000_000) / 1e6 * Math.pow(10, r.nextInt(16) - 6);
        case 3 -> r.nextDouble() * 1e7;
        default -> Double.longBitsToDouble(r.nextLong());
      };
      if (Double.isFinite(v) && Math.abs(v) > 1e30) {
        continue; // hundreds of digits: right, but slow to compare in bulk
      }
      assertSame(v);
    }
    for (double v : new double[] {-0.0, 0.0, 0.5, 1.5, 2.5, -0.5, 0.05, 0.15, 0.25, 0.35, 1e-7,
        -1e-9, 999.5, 1234567.5, 4.9999e-7, 5e-7, 1e300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertSame(v);
    }
  }
}
