package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import java.util.Random;

/** Host values as a dtype stores them: the kit's references work on exactly these. */
final class Values {
  private Values() {}

  /** {@code v} rounded as {@code dtype} stores it. */
  static double stored(DType dtype, double v) {
    return dtype == DType.FLOAT32 ? (float) v : v;
  }

  static double[] stored(DType dtype, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = stored(dtype, v[i]);
    }
    return out;
  }

  /** {@code n} values uniform in [lo, hi), rounded to the dtype. */
  static double[] uniform(Random random, DType dtype, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = stored(dtype, lo + (hi - lo) * random.nextDouble());
    }
    return v;
  }

  /** {@code n} whole numbers in [0, bound), as index buffers hold them. */
  static double[] indices(Random random, int n, int bound) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextInt(bound);
    }
    return v;
  }

  /** The smallest positive value of the dtype (a subnormal). */
  static double tiny(DType dtype) {
    return dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
  }
}
