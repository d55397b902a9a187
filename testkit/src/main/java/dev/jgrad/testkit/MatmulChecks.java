package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Arrays;
import java.util.Random;

/** matmul and matmulBatched in all four transpose combinations, and their empty cases. */
final class MatmulChecks {
  /**
   * {m, n, k}: odd and unequal so that a swapped dimension or leading dimension shows; single
   * rows and columns; and sizes large enough that backends split or tile the product.
   */
  private static final int[][] SIZES = {
      {1, 1, 1}, {2, 3, 4}, {7, 5, 3}, {3, 1, 9}, {1, 9, 3}, {3, 1, 2}, {33, 17, 65},
      {17, 33, 65}, {64, 64, 64}, {100, 10, 784}, {784, 100, 100}, {100, 784, 100},
      {130, 129, 257}, {1, 3001, 100}, {3001, 1, 100}};

  /**
   * {batch, m, n, k} of matmulBatched: a batch of 1, single rows, and a product large enough that
   * the CPU splits it (over the batch, or as one [batch * m, k] product when b is shared).
   */
  private static final int[][] BATCHED_SIZES = {
      {1, 2, 3, 4}, {3, 1, 1, 1}, {4, 7, 5, 3}, {5, 1, 9, 3}, {2, 33, 17, 65}, {16, 64, 48, 80}};

  private MatmulChecks() {}

  /** Every product of a batch by the reference loop, each operand shared when its stride is 0. */
  private static double[] batchedReference(double[] x, boolean transA, double[] y, boolean transB,
      int batch, int m, int n, int k, boolean shareA, boolean shareB) {
    double[] out = new double[batch * m * n];
    for (int i = 0; i < batch; i++) {
      int aOff = shareA ? 0 : i * m * k;
      int bOff = shareB ? 0 : i * k * n;
      double[] c = Reference.matmul(Arrays.copyOfRange(x, aOff, aOff + m * k), transA,
          Arrays.copyOfRange(y, bOff, bOff + k * n), transB, m, n, k);
      System.arraycopy(c, 0, out, i * m * n, m * n);
    }
    return out;
  }

  private static void addBatchedTo(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        String name = "matmulBatched transA=" + transA + " transB=" + transB + " " + dtype;
        r.check(name, b -> {
          Random random = r.random(name);
          int cases = 0;
          for (int[] s : BATCHED_SIZES) {
            for (int shared = 0; shared < 4; shared++) { // neither, a, b, both
              boolean shareA = (shared & 1) != 0;
              boolean shareB = (shared & 2) != 0;
              int batch = s[0];
              int m = s[1];
              int n = s[2];
              int k = s[3];
              double[] x = Values.uniform(random, dtype, (shareA ? 1 : batch) * m * k, -1, 1);
              double[] y = Values.uniform(random, dtype, (shareB ? 1 : batch) * k * n, -1, 1);
              DeviceBuffer out = b.filled(dtype, (long) batch * m * n, Double.NaN);
              backend.matmulBatched(b.upload(dtype, x), transA, b.upload(dtype, y), transB, out,
                  batch, m, n, k, shareA ? 0 : (long) m * k, shareB ? 0 : (long) k * n);
              Compare.close(Arrays.toString(s) + " shareA=" + shareA + " shareB=" + shareB,
                  Values.stored(dtype,
                      batchedReference(x, transA, y, transB, batch, m, n, k, shareA, shareB)),
                  b.read(out), Compare.accumulated(dtype));
              cases++;
            }
          }
          return cases + " cases {batch, m, n, k} x stride 0 or dense for a and b, within "
              + Compare.accumulated(dtype) + " relative; stale NaN in out overwritten";
        });
      }
    }
    r.check("matmulBatched k=0 " + dtype, b -> {
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          DeviceBuffer out = b.upload(dtype, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
          backend.matmulBatched(b.allocate(dtype, 0), transA, b.allocate(dtype, 0), transB, out,
              2, 2, 3, 0, 0, 0);
          Compare.exact("transA=" + transA + " transB=" + transB, new double[12], b.read(out));
        }
      }
      return "empty sums: out is all zeros, whatever it held";
    });
    r.check("matmulBatched with batch=0, m=0 or n=0 " + dtype, b -> {
      DeviceBuffer none = b.allocate(dtype, 0);
      backend.matmulBatched(none, false, none, false, b.allocate(dtype, 0), 0, 2, 3, 4, 8, 12);
      backend.matmulBatched(none, false, b.upload(dtype, 1, 2, 3), false, b.allocate(dtype, 0),
          4, 0, 3, 1, 0, 0);
      backend.matmulBatched(b.upload(dtype, 1, 2, 3, 4), true, none, false,
          b.allocate(dtype, 0), 2, 2, 0, 1, 2, 0);
      return "an empty batch or product is a no-op";
    });
  }

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
      addBatchedTo(r, dtype);
    }
  }
}
