package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.Random;

/** Host values as a dtype stores them: the kit's references work on exactly these. */
final class Values {
  /**
   * The dtypes arithmetic works on; INT32 is only moved, gathered and read as indices, UINT8 only
   * moved, gathered and converted.
   */
  static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);

  private Values() {}

  /**
   * {@code v} rounded as {@code dtype} stores it (INT32: as an int cast does; UINT8: that cast's
   * low 8 bits, unsigned).
   */
  static double stored(DType dtype, double v) {
    return switch (dtype) {
      case FLOAT32 -> (float) v;
      case FLOAT64 -> v;
      case INT32 -> (int) v;
      case UINT8 -> (int) v & 0xFF;
    };
  }

  static double[] stored(DType dtype, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = stored(dtype, v[i]);
    }
    return out;
  }

  /**
   * {@code n} values uniform in [lo, hi), rounded to the dtype; for INT32, ints over the whole
   * range instead, so that a backend that passes them through a float fails; for UINT8, all of
   * 0..255.
   */
  static double[] uniform(Random random, DType dtype, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (dtype) {
        case INT32 -> random.nextInt();
        case UINT8 -> random.nextInt(256);
        case FLOAT32, FLOAT64 -> stored(dtype, lo + (hi - lo) * random.nextDouble());
      };
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
