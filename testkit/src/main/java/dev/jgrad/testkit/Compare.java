package dev.jgrad.testkit;

import dev.jgrad.api.DType;

/**
 * Compares a backend's results with the kit's references: an element passes when
 * {@code |got - want| <= tolerance * (1 + |want|)}; NaN must meet NaN, and an infinity itself.
 * The sign of a zero is compared only by {@link #closeSigned}: elsewhere a sum's zero may take
 * either sign with the order of its terms.
 */
final class Compare {
  /** How many differing elements a failure names. */
  private static final int SHOWN = 3;

  private Compare() {}

  /** Relative tolerance for elementwise results, as the CUDA backend's tests held them. */
  static double elementwise(DType dtype) {
    return dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
  }

  /** Relative tolerance for long sums: reductions and matrix products. */
  static double accumulated(DType dtype) {
    return dtype == DType.FLOAT32 ? 1e-4 : 1e-10;
  }

  /** Exact results (data movement, MAX, ARGMAX, indexing), NaN-aware. */
  static String exact(String what, double[] want, double[] got) {
    return close(what, want, got, 0);
  }

  /**
   * Fails with a {@link Mismatch} naming the first differing elements; returns a line saying
   * how close the results were.
   */
  static String close(String what, double[] want, double[] got, double tolerance) {
    return close(what, want, got, tolerance, false);
  }

  /**
   * {@link #close}, and a zero must have the sign of the expected one: for the elementwise
   * special values, where IEEE arithmetic and the reference fix it (NEG(0.0) is -0.0, ABS(-0.0)
   * and MAXIMUM(-0.0, 0.0) are 0.0), and 1 / x or a later sign test would tell the two apart.
   */
  static String closeSigned(String what, double[] want, double[] got, double tolerance) {
    return close(what, want, got, tolerance, true);
  }

  private static String close(String what, double[] want, double[] got, double tolerance,
      boolean zeroSigns) {
    sameLength(what, want, got);
    int bad = 0;
    double worst = 0;
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < want.length; i++) {
      double w = want[i];
      double g = got[i];
      boolean ok;
      if (Double.isNaN(w) || Double.isInfinite(w)) {
        ok = Double.isNaN(w) ? Double.isNaN(g) : g == w;
      } else {
        double error = Math.abs(g - w) / (1 + Math.abs(w)); // NaN when g is NaN: fails below
        ok = error <= tolerance && !(zeroSigns && w == 0 && g == 0
            && Double.doubleToRawLongBits(w) != Double.doubleToRawLongBits(g));
        worst = ok ? Math.max(worst, error) : worst;
      }
      if (!ok && bad++ < SHOWN) {
        shown.append(bad == 1 ? "" : "; ").append("element ").append(i).append(" is ").append(g)
            .append(", expected ").append(w);
      }
    }
    if (bad > 0) {
      throw new Mismatch(what + ": " + bad + " of " + want.length + " elements differ"
          + (tolerance == 0 ? "" : " beyond " + tolerance + " relative")
          + (zeroSigns ? " or in the sign of a zero" : "") + ": " + shown
          + (bad > SHOWN ? "; ..." : ""));
    }
    return tolerance == 0 ? what + ": " + want.length + " elements exact"
        : String.format("%s: %d elements, worst relative error %.2g (tolerance %.0g)", what,
            want.length, worst, tolerance);
  }

  private static void sameLength(String what, double[] want, double[] got) {
    if (want.length != got.length) {
      throw new Mismatch(what + ": " + got.length + " elements where " + want.length
          + " were expected");
    }
  }

  /** Fails unless {@code got} is {@code want} bit for bit (NaNs are all one NaN here). */
  static String bits(String what, double[] want, double[] got) {
    sameLength(what, want, got);
    for (int i = 0; i < want.length; i++) {
      if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
        throw new Mismatch(what + ": element " + i + " is " + got[i] + ", expected " + want[i]
            + " bit for bit");
      }
    }
    return what + ": " + want.length + " elements bit for bit";
  }
}
