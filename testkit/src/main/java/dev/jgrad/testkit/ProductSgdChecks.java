package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedProductSgd;
import dev.jgrad.api.FusedSgd;
import java.util.Random;

/**
 * {@link FusedProductSgd#sgdUpdateFromProduct}, where the backend implements it: each step bit for
 * bit what {@code matmul} into a buffer and {@link FusedSgd#sgdUpdate} give on the same backend,
 * or declined (false) with the parameter and velocity unchanged.
 */
final class ProductSgdChecks {
  /** {m, n, k, transA, transB, momentum, weightDecay}: tile edges, long k, row/column splits. */
  private static final double[][] CASES = {{7, 5, 3, 0, 0, 0, 0}, {33, 47, 17, 1, 0, 0.9, 0},
      {100, 10, 100, 1, 1, 0, 1e-3}, {13, 60, 300, 0, 1, 0.9, 1e-3},
      {784, 300, 100, 1, 0, 0, 0}};
  private static final double LR = 0.1;

  private ProductSgdChecks() {}

  static void addTo(CheckRunner r) {
    if (!(r.backend() instanceof FusedProductSgd fused)
        || !(r.backend() instanceof FusedSgd sgd)) {
      r.skip("sgdUpdateFromProduct", "the " + r.backend().name()
          + " backend does not implement FusedProductSgd (and FusedSgd)");
      return;
    }
    for (DType dtype : Values.FLOATS) {
      String name = "sgdUpdateFromProduct " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        int fusedCount = 0;
        for (double[] c : CASES) {
          int m = (int) c[0];
          int n = (int) c[1];
          int k = (int) c[2];
          boolean ta = c[3] != 0;
          boolean tb = c[4] != 0;
          double[] x = Values.uniform(random, dtype, m * k, -1, 1);
          double[] y = Values.uniform(random, dtype, k * n, -1, 1);
          double[] p = Values.uniform(random, dtype, m * n, -1, 1);
          double[] v = Values.uniform(random, dtype, m * n, -1, 1);
          DeviceBuffer a = b.upload(dtype, x);
          DeviceBuffer bb = b.upload(dtype, y);
          DeviceBuffer p1 = b.upload(dtype, p);
          DeviceBuffer v1 = c[5] == 0 ? null : b.upload(dtype, v);
          String what = m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb + " momentum="
              + c[5] + " weightDecay=" + c[6];
          if (!fused.sgdUpdateFromProduct(a, ta, bb, tb, m, n, k, p1, v1, LR, c[5], c[6])) {
            Compare.bits(what + ": declined, param unchanged", Values.stored(dtype, p),
                b.read(p1));
            continue;
          }
          fusedCount++;
          DeviceBuffer g = b.allocate(dtype, (long) m * n);
          r.backend().matmul(a, ta, bb, tb, g, m, n, k);
          DeviceBuffer p2 = b.upload(dtype, p);
          DeviceBuffer v2 = c[5] == 0 ? null : b.upload(dtype, v);
          sgd.sgdUpdate(p2, g, v2, b.upload(DType.FLOAT64, LR), c[5], c[6]);
          Compare.bits(what + ": param", b.read(p2), b.read(p1));
          if (v1 != null) {
            Compare.bits(what + ": velocity", b.read(v2), b.read(v1));
          }
        }
        return fusedCount + " of " + CASES.length + " steps fused, bit for bit; the rest declined"
            + " unchanged";
      });
    }
  }
}
