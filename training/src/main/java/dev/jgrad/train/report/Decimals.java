package dev.jgrad.train.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point text of doubles, the same characters as {@code String.format(Locale.ROOT,
 * "%.<n>f")} (and {@code "%,.0f"}), for the reports written every epoch and the progress lines.
 * Why not {@code String.format}: on Java 17 each call parses its pattern with a regular
 * expression, and the reports' thousands of calls in a short run kept the JIT compiling the
 * regex and formatter code beside the training (docs/benchmarks.md).
 */
final class Decimals {
  private Decimals() {}

  /**
   * {@code value} with {@code decimals} digits after the point, half-up from its shortest
   * decimal form ({@link Double#toString}), as the formatter rounds; "-" kept for negative
   * values, zero included; NaN and the infinities as the formatter writes them.
   */
  static String fixed(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }
    String digits = BigDecimal.valueOf(Math.abs(value)).setScale(decimals, RoundingMode.HALF_UP)
        .toPlainString();
    return Math.copySign(1.0, value) < 0 ? "-" + digits : digits;
  }

  /**
   * The shortest decimal that reads back as {@code value} ({@link Double#toString}'s digits),
   * without an exponent or trailing zeros: {@code 0.0001}, {@code 0.1}, {@code 1}. For values
   * such as learning rates, which six fixed decimals would round to 0.
   */
  static String shortest(double value) {
    if (!Double.isFinite(value)) {
      return fixed(value, 0);
    }
    return value == 0 ? "0" : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** {@code value} rounded half-up to a whole number, thousands separated by ','. */
  static String grouped(double value) {
    String whole = fixed(value, 0);
    if (!Double.isFinite(value)) {
      return whole;
    }
    int start = whole.startsWith("-") ? 1 : 0;
    StringBuilder sb = new StringBuilder(whole.length() + whole.length() / 3);
    sb.append(whole, 0, start);
    for (int i = start; i < whole.length(); i++) {
      if (i > start && (whole.length() - i) % 3 == 0) {
        sb.append(',');
      }
      sb.append(whole.charAt(i));
    }
    return sb.toString();
  }
}
