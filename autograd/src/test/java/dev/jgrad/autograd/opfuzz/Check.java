package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Compares a computed array with the reference. An element passes when
 * {@code |got - want| <= u * mag * (K * (1 + sqrt(L)) + L) + floor}: u the unit roundoff of the
 * dtype, L the longest sum behind the element and mag the sum of the magnitudes of its terms.
 * Short sums are held to a statistical bound (rounding errors of random sign grow as the square
 * root of the length); long ones to the worst case of a sum added one term at a time, L u mag,
 * which sums of many equal terms approach (their roundings all go one way). FLOAT64 is held to
 * its own roundoff, so it is tight; an element that should be exact (mag 0) must be equal, NaN
 * where NaN is expected.
 */
final class Check {
  /** Slack over the statistical bound; an off-by-one element is off by its whole size. */
  static final double K = 8;

  private Check() {}

  static double unitRoundoff(DType dtype) {
    return dtype == DType.FLOAT64 ? 0x1p-53 : 0x1p-24;
  }

  /** Errors below this are underflow, not bugs (subnormals lose their relative precision). */
  private static double floor(DType dtype) {
    return dtype == DType.FLOAT64 ? 16 * Double.MIN_NORMAL : 16 * Float.MIN_NORMAL;
  }

  static double tolerance(DType dtype, double length, double mag) {
    return unitRoundoff(dtype) * mag * (K * (1 + Math.sqrt(length)) + length) + floor(dtype);
  }

  /**
   * Fails naming {@code what}, the first few elements out of tolerance and {@code context}
   * (the case, its inputs and seed).
   */
  static void close(String what, double[] got, Nd want, Nd mag, double length, DType dtype,
      Supplier<String> context) {
    if (got.length != want.size()) {
      throw new AssertionError(what + ": " + got.length + " values, expected "
          + Arrays.toString(want.shape) + "\n" + context.get());
    }
    int bad = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < got.length; i++) {
      double w = want.v[i];
      double g = got[i];
      boolean ok;
      double tol = 0;
      if (Double.isNaN(w) || Double.isNaN(g)) {
        ok = Double.isNaN(w) && Double.isNaN(g);
      } else if (Double.isInfinite(w) || Double.isInfinite(g)) {
        ok = w == g;
      } else {
        tol = mag.v[i] == 0 ? 0 : tolerance(dtype, length, mag.v[i]);
        ok = Math.abs(g - w) <= tol;
      }
      if (!ok && bad++ < 5) {
        first.append("\n    at ").append(Arrays.toString(index(i, want.shape))).append(": got ")
            .append(g).append(", want ").append(w).append(" (tolerance ").append(tol)
            .append(')');
      }
    }
    if (bad > 0) {
      throw new AssertionError(what + ": " + bad + " of " + got.length + " elements differ"
          + first + "\n" + context.get());
    }
  }

  private static int[] index(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }
}
