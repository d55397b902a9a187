package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import java.util.Random;

/** {@link FusedAdam#adamUpdate}, where the backend implements it: one step against the formula. */
final class AdamChecks {
  /** {n, lrT}: small and large (threads split the large ones), a small and a large step. */
  private static final double[][] CASES = {{7, 0.001}, {100_003, 0.01}, {1001, 0.5}};
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-7;

  private AdamChecks() {}

  static void addTo(CheckRunner r) {
    if (!(r.backend() instanceof FusedAdam adam)) {
      r.skip("adamUpdate", "the " + r.backend().name() + " backend does not implement FusedAdam");
      return;
    }
    for (DType dtype : Values.FLOATS) {
      String name = "adamUpdate " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        double tol = Compare.elementwise(dtype);
        for (double[] c : CASES) {
          int n = (int) c[0];
          double[] p = Values.uniform(random, dtype, n, -1, 1);
          double[] g = Values.uniform(random, dtype, n, -1, 1);
          double[] m = Values.uniform(random, dtype, n, -1, 1);
          // second moments away from 0, so that m / sqrt(v) does not magnify the rounding
          double[] v = Values.uniform(random, dtype, n, 0.01, 1);
          DeviceBuffer param = b.upload(dtype, p);
          DeviceBuffer mb = b.upload(dtype, m);
          DeviceBuffer vb = b.upload(dtype, v);
          adam.adamUpdate(param, b.upload(dtype, g), mb, vb, BETA1, BETA2, EPS,
              b.upload(DType.FLOAT64, c[1]));
          double[][] want = Reference.adam(p, g, m, v, BETA1, BETA2, EPS, c[1]);
          String what = "n=" + n + " lrT=" + c[1];
          Compare.close(what + ": param", Values.stored(dtype, want[0]), b.read(param), tol);
          Compare.close(what + ": m", Values.stored(dtype, want[1]), b.read(mb), tol);
          Compare.close(what + ": v", Values.stored(dtype, want[2]), b.read(vb), tol);
        }
        return CASES.length + " steps, param and both moments";
      });
    }
  }
}
