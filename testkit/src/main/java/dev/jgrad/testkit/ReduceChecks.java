package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import java.util.Arrays;
import java.util.Random;

/** reduce, every op, over views {@code [outer, axis, inner]} of every kind. */
final class ReduceChecks {
  /**
   * {outer, axis, inner}: the first, middle and last axis; an axis of one; nothing to reduce
   * (outer or inner 0); a full sum; strided columns (inner > 1) with partial tiles; and large
   * views that backends split over threads or blocks by outer index or by column.
   */
  private static final int[][] VIEWS = {
      {1, 5, 24}, {5, 4, 6}, {20, 6, 1}, {3, 1, 4}, {1, 1, 1}, {0, 3, 2}, {2, 3, 0}, {7, 13, 5},
      {3, 500, 33}, {1, 200_000, 1}, {100, 784, 1}, {2000, 100, 1}, {5000, 40, 1},
      {6000, 100, 1}, {1, 500, 900}, {2, 300, 500}, {64, 40, 50}, {1, 6000, 100},
      {1, 1000, 1200}};

  private ReduceChecks() {}

  static void addTo(CheckRunner r) {
    Backend backend = r.backend();
    for (DType dtype : Values.FLOATS) {
      for (ReduceOp op : ReduceOp.values()) {
        String name = "reduce(" + op + ") " + dtype;
        r.check(name, b -> {
          if (op == ReduceOp.ARGMAX) {
            firstOfEqualMaxima(backend, b, dtype);
          }
          Random random = r.random(name);
          for (int[] v : VIEWS) {
            double[] x = withTies(Values.uniform(random, dtype, v[0] * v[1] * v[2], -1, 1), v);
            long n = (long) v[0] * v[2];
            DeviceBuffer out = op == ReduceOp.ARGMAX ? b.filled(DType.INT32, n, -1)
                : b.filled(dtype, n, Double.NaN);
            backend.reduce(op, b.upload(dtype, x), v[0], v[1], v[2], out);
            double tol = op == ReduceOp.SUM ? Compare.accumulated(dtype) : 0;
            Compare.close(Arrays.toString(v),
                Values.stored(dtype, Reference.reduce(op, x, v[0], v[1], v[2])), b.read(out), tol);
          }
          return VIEWS.length + " views [outer, axis, inner]"
              + (op == ReduceOp.SUM ? " within " + Compare.accumulated(dtype) + " relative"
                  : " exact, ties to the first maximum");
        });
      }
    }
  }

  /**
   * Ties for ARGMAX: every fifth element repeats one three before, and in every third line the
   * first and the last element are the line's maximum.
   */
  private static double[] withTies(double[] x, int[] view) {
    for (int i = 0; i + 3 < x.length; i += 5) {
      x[i + 3] = x[i];
    }
    int axis = view[1];
    int inner = view[2];
    for (int o = 0; o < view[0]; o++) {
      for (int j = 0; j < inner; j++) {
        if ((o * inner + j) % 3 == 0) {
          x[o * axis * inner + j] = 2;
          x[(o * axis + axis - 1) * inner + j] = 2;
        }
      }
    }
    return x;
  }

  /** Rows [1, 3, 3] and [2, 2, 0], then the same data as columns: the first maxima. */
  private static void firstOfEqualMaxima(Backend backend, Buffers b, DType dtype) {
    DeviceBuffer x = b.upload(dtype, 1, 3, 3, 2, 2, 0);
    DeviceBuffer out = b.allocate(DType.INT32, 2); // indices are INT32 whatever x's dtype
    backend.reduce(ReduceOp.ARGMAX, x, 2, 3, 1, out);
    Compare.exact("rows [1, 3, 3] and [2, 2, 0]", new double[] {1, 0}, b.read(out));
    backend.reduce(ReduceOp.ARGMAX, x, 1, 3, 2, out);
    Compare.exact("columns [1, 3, 2] and [3, 2, 0]", new double[] {1, 0}, b.read(out));
  }
}
