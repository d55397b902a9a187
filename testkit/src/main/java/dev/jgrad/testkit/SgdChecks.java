package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import java.util.ArrayList;
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
        for (double[] c : CASES) {
          stepAllAsOneByOne(b, sgd, random, c[1], c[2], dtype, dtype, dtype, dtype);
        }
        // more entries than one GPU launch takes (16), and runs of each dtype
        DType other = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        DType[] many = new DType[19];
        java.util.Arrays.fill(many, dtype);
        stepAllAsOneByOne(b, sgd, random, 0.9, 1e-4, many);
        stepAllAsOneByOne(b, sgd, random, 0, 0, dtype, dtype, other, dtype, other, other);
        return CASES.length + 2 + " calls of up to 19 parameters, bit for bit the same as "
            + "sgdUpdate on each";
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
   * One {@link FusedSgd#sgdUpdateAll} call over parameters of the given dtypes and assorted
   * lengths (one of them empty), and {@link FusedSgd#sgdUpdate} on copies, one by one: the same
   * bits.
   */
  private static void stepAllAsOneByOne(Buffers b, FusedSgd sgd, Random random, double momentum,
      double weightDecay, DType... dtypes) {
    int[] lengths = {7, 100_003, 1001, 0, 33, 256, 257};
    List<DeviceBuffer> params = new ArrayList<>();
    List<DeviceBuffer> grads = new ArrayList<>();
    List<DeviceBuffer> velocities = momentum == 0 ? null : new ArrayList<>();
    List<DeviceBuffer[]> alone = new ArrayList<>(); // param, grad, velocity
    for (int i = 0; i < dtypes.length; i++) {
      int n = lengths[i % lengths.length];
      double[] p = Values.uniform(random, dtypes[i], n, -1, 1);
      double[] g = Values.uniform(random, dtypes[i], n, -1, 1);
      double[] v = Values.uniform(random, dtypes[i], n, -1, 1);
      params.add(b.upload(dtypes[i], p));
      grads.add(b.upload(dtypes[i], g));
      if (velocities != null) {
        velocities.add(b.upload(dtypes[i], v));
      }
      alone.add(new DeviceBuffer[] {b.upload(dtypes[i], p), b.upload(dtypes[i], g),
          velocities == null ? null : b.upload(dtypes[i], v)});
    }
    DeviceBuffer rate = b.upload(DType.FLOAT64, LR);
    sgd.sgdUpdateAll(params, grads, velocities, rate, momentum, weightDecay);
    for (int i = 0; i < dtypes.length; i++) {
      DeviceBuffer[] one = alone.get(i);
      sgd.sgdUpdate(one[0], one[1], one[2], rate, momentum, weightDecay);
      String what = "entry " + i + " of " + dtypes.length + " (" + dtypes[i] + ", length "
          + one[0].length() + ", momentum " + momentum + ", weight decay " + weightDecay + ")";
      Compare.exact(what + ": param", b.read(one[0]), b.read(params.get(i)));
      if (velocities != null) {
        Compare.exact(what + ": velocity", b.read(one[2]), b.read(velocities.get(i)));
      }
    }
  }
}
