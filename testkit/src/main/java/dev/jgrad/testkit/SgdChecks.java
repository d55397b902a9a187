package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import java.util.List;
import java.util.Random;

/** {@link FusedSgd#sgdUpdate}, where the backend implements it: one step against the formula. */
final class SgdChecks {
  /** {n, momentum, weightDecay}: each term on and off, small and large. */
  private static final double[][] CASES = {
      {7, 0, 0}, {100_003, 0.9, 0.01}, {7, 0.9, 0}, {100_003, 0, 0.01}, {1001, 0.9, 1e-4}};
  private static final double LR = 0.1;

  private SgdChecks() {}

  static void addTo(CheckRunner r) {
    if (!(r.backend() instanceof FusedSgd sgd)) {
      r.skip("sgdUpdate", "the " + r.backend().name() + " backend does not implement FusedSgd");
      return;
    }
    for (DType dtype : Values.FLOATS) {
      String name = "sgdUpdate " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        double tol = Compare.elementwise(dtype);
        for (double[] c : CASES) {
          int n = (int) c[0];
          double[] p = Values.uniform(random, dtype, n, -1, 1);
          double[] g = Values.uniform(random, dtype, n, -1, 1);
          double[] v = c[1] == 0 ? null : Values.uniform(random, dtype, n, -1, 1);
          DeviceBuffer param = b.upload(dtype, p);
          DeviceBuffer velocity = v == null ? null : b.upload(dtype, v);
          sgd.sgdUpdate(param, b.upload(dtype, g), velocity, b.upload(DType.FLOAT64, LR), c[1],
              c[2]);
          double[][] want = Reference.sgd(p, g, v, LR, c[1], c[2]);
          String what = "n=" + n + " momentum=" + c[1] + " weightDecay=" + c[2];
          Compare.close(what + ": param", Values.stored(dtype, want[0]), b.read(param), tol);
          if (v != null) {
            Compare.close(what + ": velocity", Values.stored(dtype, want[1]), b.read(velocity),
                tol);
          }
        }
        return CASES.length + " steps, with and without momentum and weight decay";
      });
      String all = "sgdUpdateAll " + dtype;
      r.check(all, b -> {
        Random random = r.random(all);
        DeviceBuffer rate = b.upload(DType.FLOAT64, LR);
        int calls = 0;
        for (double[] c : CASES) {
          for (DType[] dtypes : BatchUpdates.cases(dtype)) {
            stepAllAsOneByOne(b, sgd, random, rate, c[1], c[2], dtypes);
            calls++;
          }
        }
        return calls + " calls of up to 19 parameters, mixed dtypes too, bit for bit the same "
            + "as sgdUpdate on each";
      });
      String inPlace = "in place sgdUpdate with grad = param " + dtype;
      r.check(inPlace, b -> {
        Random random = r.random(inPlace);
        double[] p = Values.uniform(random, dtype, 1001, -1, 1);
        double[] v = Values.uniform(random, dtype, p.length, -1, 1);
        DeviceBuffer param = b.upload(dtype, p);
        DeviceBuffer velocity = b.upload(dtype, v);
        sgd.sgdUpdate(param, param, velocity, b.upload(DType.FLOAT64, LR), 0.9, 0.01);
        double[][] want = Reference.sgd(p, p, v, LR, 0.9, 0.01);
        double tol = Compare.elementwise(dtype);
        Compare.close("param", Values.stored(dtype, want[0]), b.read(param), tol);
        Compare.close("velocity", Values.stored(dtype, want[1]), b.read(velocity), tol);
        return "grad may be param: the step reads each element before writing it";
      });
    }
  }

  /**
   * One {@link FusedSgd#sgdUpdateAll} call over parameters of the given dtypes and
   * {@link FusedSgd#sgdUpdate} on copies, one by one: the same bits ({@link BatchUpdates}).
   */
  private static void stepAllAsOneByOne(Buffers b, FusedSgd sgd, Random random, DeviceBuffer rate,
      double momentum, double weightDecay, DType... dtypes) {
    boolean v = momentum != 0; // velocities for all entries or none
    String[] roles = v ? new String[] {"param", "grad", "velocity"} : new String[] {"param", "grad"};
    BatchUpdates.allAsOneByOne(b, random, "momentum " + momentum + ", weight decay "
        + weightDecay, roles, new double[] {-1, -1, -1}, new BatchUpdates.Update() {
          @Override
          public void all(List<List<DeviceBuffer>> c) {
            sgd.sgdUpdateAll(c.get(0), c.get(1), v ? c.get(2) : null, rate, momentum,
                weightDecay);
          }

          @Override
          public void one(DeviceBuffer[] e) {
            sgd.sgdUpdate(e[0], e[1], v ? e[2] : null, rate, momentum, weightDecay);
          }
        }, dtypes);
  }
}
