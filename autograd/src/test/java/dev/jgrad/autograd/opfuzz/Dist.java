package dev.jgrad.autograd.opfuzz;

import java.util.Random;

/**
 * How the fuzzer draws an input's values. Several exist to reach the kernels' fast paths (mostly
 * exact zeros: the sparse product) and their edge cases (small integers: ties in max, argmax and
 * pooling; wide magnitudes: rounding), and to keep ops in their domain (positive for log).
 */
enum Dist {
  /** Standard normal. */
  NORMAL,
  /** Normal scaled by 10^u, u uniform in [-2, 2]: values of many magnitudes side by side. */
  WIDE,
  /** max(0, normal): half exact zeros, as ReLU outputs. */
  RELU,
  /** 85% exact zeros, else uniform in (0, 1): sparse enough for the sparse product kernel. */
  SPARSE,
  /** MNIST-like pixels: 80% zeros, else whole numbers 1..255. */
  PIXELS,
  /** Whole numbers in [-3, 3]: many exact ties. */
  SMALL_INT,
  /** Uniform in [0.2, 3]: for log, sqrt and fractional powers. */
  POSITIVE,
  /** Uniform in [0.3, 3] with a random sign: denominators kept away from 0. */
  AWAY,
  /** Uniform in [0.02, 0.98]: probabilities. */
  PROBABILITY,
  /** Uniform in [0, 1]: targets. */
  UNIT,
  /** Standard normal with 2% each of +Infinity, -Infinity and NaN, which IEEE arithmetic keeps. */
  SPECIAL;

  double draw(Random r) {
    return switch (this) {
      case NORMAL -> r.nextGaussian();
      case WIDE -> r.nextGaussian() * Math.pow(10, 4 * r.nextDouble() - 2);
      case RELU -> Math.max(0, r.nextGaussian());
      case SPARSE -> r.nextDouble() < 0.85 ? 0 : r.nextDouble();
      case PIXELS -> r.nextDouble() < 0.8 ? 0 : 1 + r.nextInt(255);
      case SMALL_INT -> r.nextInt(7) - 3;
      case POSITIVE -> 0.2 + 2.8 * r.nextDouble();
      case AWAY -> (r.nextBoolean() ? 1 : -1) * (0.3 + 2.7 * r.nextDouble());
      case PROBABILITY -> 0.02 + 0.96 * r.nextDouble();
      case UNIT -> r.nextDouble();
      case SPECIAL -> {
        int p = r.nextInt(50);
        yield p == 0 ? Double.POSITIVE_INFINITY : p == 1 ? Double.NEGATIVE_INFINITY
            : p == 2 ? Double.NaN : r.nextGaussian();
      }
    };
  }

  /** One of {@code choices}, uniformly. */
  static Dist any(Random r, Dist... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
