package dev.jgrad.autograd.opfuzz;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The fuzzer's reference array: doubles in row-major order with a shape. Deliberately naive (an
 * odometer over indices, no strides tricks) so that it shares nothing with the kernels it checks.
 */
final class Nd {
  final int[] shape;
  final double[] v;

  Nd(int[] shape, double[] v) {
    checkArgument(v.length == sizeOf(shape), "Nd: %s values for shape %s", v.length,
        Arrays.toString(shape));
    this.shape = shape.clone();
    this.v = v;
  }

  static Nd zeros(int... shape) {
    return new Nd(shape, new double[sizeOf(shape)]);
  }

  static int sizeOf(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  int size() {
    return v.length;
  }

  int rank() {
    return shape.length;
  }

  /** Row-major strides of {@code shape}. */
  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int step = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = step;
      step *= shape[i];
    }
    return s;
  }

  /** The same values in another shape of the same size. */
  Nd reshape(int... to) {
    return new Nd(to, v.clone());
  }

  /** Elementwise absolute values: the magnitude of exact inputs. */
  Nd abs() {
    double[] out = new double[v.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return new Nd(shape, out);
  }

  /** Steps {@code idx} (an index into {@code shape}) to the next one in row-major order. */
  static void next(int[] idx, int[] shape) {
    for (int d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        return;
      }
      idx[d] = 0;
    }
  }

  @Override
  public String toString() {
    return "Nd" + Arrays.toString(shape);
  }
}
