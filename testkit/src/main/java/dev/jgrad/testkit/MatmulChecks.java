package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Arrays;
import java.util.Random;

/** matmul in all four transpose combinations, and its empty cases. */
final class MatmulChecks {
  /**
   * {m, n, k}: odd and unequal so that a swapped dimension or leading dimension shows; single
   * rows and columns; and sizes large enough that backends split or tile the product.
   */
  private static final int[][] SIZES = {
      {1, 1, 1}, {2, 3, 4}, {7, 5, 3}, {3, 1, 9}, {1, 9, 3}, {3, 1, 2}, {33, 17, 65},
      {17, 33, 65}, {64, 64, 64}, {100, 10, 784}, {784, 100, 100}, {100, 784, 100},
      {130, 129, 257}, {1, 3001, 100}, {3001, 1, 100}};

  private MatmulChecks() {}

  static void addTo(CheckRunner r) {
    Backend backend = r.backend();
    for (DType dtype : Values.FLOATS) {
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          String name = "matmul transA=" + transA + " transB=" + transB + " " + dtype;
          r.check(name, b -> {
            Random random = r.random(name);
            for (int[] s : SIZES) {
              int m = s[0];
              int n = s[1];
              int k = s[2];
              double[] x = Values.uniform(random, dtype, m * k, -1, 1);
              double[] y = Values.uniform(random, dtype, k * n, -1, 1);
              DeviceBuffer out = b.filled(dtype, (long) m * n, Double.NaN); // to be overwritten
              backend.matmul(b.upload(dtype, x), transA, b.upload(dtype, y), transB, out, m, n, k);
              Compare.close(Arrays.toString(s),
                  Values.stored(dtype, Reference.matmul(x, transA, y, transB, m, n, k)),
                  b.read(out), Compare.accumulated(dtype));
            }
            return SIZES.length + " sizes {m, n, k} within " + Compare.accumulated(dtype)
                + " relative; stale NaN in out overwritten";
          });
        }
      }
      r.check("matmul k=0 " + dtype, b -> {
        for (boolean transA : new boolean[] {false, true}) {
          for (boolean transB : new boolean[] {false, true}) {
            DeviceBuffer out = b.upload(dtype, 1, 2, 3, 4, 5, 6);
            backend.matmul(b.allocate(dtype, 0), transA, b.allocate(dtype, 0), transB, out, 2, 3,
                0);
            Compare.exact("transA=" + transA + " transB=" + transB, new double[6], b.read(out));
          }
        }
        return "an empty sum: out is all zeros, whatever it held";
      });
      r.check("matmul with m=0 or n=0 " + dtype, b -> {
        backend.matmul(b.allocate(dtype, 0), false, b.upload(dtype, 1, 2, 3), false,
            b.allocate(dtype, 0), 0, 3, 1);
        backend.matmul(b.upload(dtype, 1, 2), true, b.allocate(dtype, 0), false,
            b.allocate(dtype, 0), 2, 0, 1);
        DeviceBuffer none = b.allocate(dtype, 0); // a and b may be one buffer: only out is written
        backend.matmul(none, true, none, true, b.allocate(dtype, 0), 0, 0, 0);
        return "an empty product is a no-op";
      });
    }
  }
}
