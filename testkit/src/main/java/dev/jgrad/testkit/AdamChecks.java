package dev.jgrad.testkit;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * {@link FusedAdam#adamUpdate} and {@link FusedAdamW#adamwUpdate}, where the backend implements
 * them: one step against the formula; and their batches, {@link FusedAdam#adamUpdateAll} and
 * {@link FusedAdamW#adamwUpdateAll}, against the single update of each entry, bit for bit.
 */
final class AdamChecks {
  /**
   * {n, lr}: small and large (threads split the large ones), a small and a large step (Adam's
   * bias-corrected rate; AdamW's learning rate).
   */
  private static final double[][] CASES = {{7, 0.001}, {100_003, 0.01}, {1001, 0.5}};
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-7;

  private AdamChecks() {}

  static void addTo(CheckRunner r) {
    if (r.backend() instanceof FusedAdam adam) {
      steps(r, "adamUpdate", (b, dtype, s, buffers, lr) -> {
        adam.adamUpdate(buffers[0], buffers[1], buffers[2], buffers[3], BETA1, BETA2, EPS,
            b.upload(DType.FLOAT64, lr));
        return Reference.adam(s[0], s[1], s[2], s[3], BETA1, BETA2, EPS, lr);
      });
      batches(r, "adamUpdateAll", b -> {
        DeviceBuffer rate = b.upload(DType.FLOAT64, 0.01);
        return new BatchUpdates.Update() {
          @Override
          public void all(List<List<DeviceBuffer>> c) {
            adam.adamUpdateAll(c.get(0), c.get(1), c.get(2), c.get(3), BETA1, BETA2, EPS, rate);
          }

          @Override
          public void one(DeviceBuffer[] e) {
            adam.adamUpdate(e[0], e[1], e[2], e[3], BETA1, BETA2, EPS, rate);
          }
        };
      });
    } else {
      r.skip("adamUpdate", "the " + r.backend().name() + " backend does not implement FusedAdam");
    }
    if (r.backend() instanceof FusedAdamW adamw) {
      steps(r, "adamwUpdate", (b, dtype, s, buffers, lr) -> {
        double decay = 1 - lr * 0.01;
        double root = Math.sqrt(1 - Math.pow(BETA2, 3));
        double step = -lr / (1 - Math.pow(BETA1, 3));
        adamw.adamwUpdate(buffers[0], buffers[1], buffers[2], buffers[3], BETA1, BETA2, EPS,
            b.upload(DType.FLOAT64, decay), b.upload(DType.FLOAT64, root),
            b.upload(DType.FLOAT64, step));
        return Reference.adamw(s[0], s[1], s[2], s[3], BETA1, BETA2, EPS, decay, root, step);
      });
      batches(r, "adamwUpdateAll", b -> {
        DeviceBuffer decay = b.upload(DType.FLOAT64, 1 - 0.01 * 0.01);
        DeviceBuffer root = b.upload(DType.FLOAT64, Math.sqrt(1 - Math.pow(BETA2, 3)));
        DeviceBuffer step = b.upload(DType.FLOAT64, -0.01 / (1 - Math.pow(BETA1, 3)));
        return new BatchUpdates.Update() {
          @Override
          public void all(List<List<DeviceBuffer>> c) {
            adamw.adamwUpdateAll(c.get(0), c.get(1), c.get(2), c.get(3), BETA1, BETA2, EPS, decay,
                root, step);
          }

          @Override
          public void one(DeviceBuffer[] e) {
            adamw.adamwUpdate(e[0], e[1], e[2], e[3], BETA1, BETA2, EPS, decay, root, step);
          }
        };
      });
    } else {
      r.skip("adamwUpdate", "the " + r.backend().name()
          + " backend does not implement FusedAdamW");
    }
  }

  /** One fused update on the backend's {param, grad, m, v}; returns the formula's {p, m, v}. */
  private interface Update {
    double[][] run(Buffers b, DType dtype, double[][] state, DeviceBuffer[] buffers, double lr);
  }

  /** One {@code kind} check per dtype: each case's update against the formula. */
  private static void steps(CheckRunner r, String kind, Update update) {
    for (DType dtype : Values.FLOATS) {
      String name = kind + " " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        double tol = Compare.elementwise(dtype);
        for (double[] c : CASES) {
          int n = (int) c[0];
          double[][] state = {Values.uniform(random, dtype, n, -1, 1),
              Values.uniform(random, dtype, n, -1, 1), Values.uniform(random, dtype, n, -1, 1),
              // second moments away from 0, so that m / sqrt(v) does not magnify the rounding
              Values.uniform(random, dtype, n, 0.01, 1)};
          DeviceBuffer[] buffers = new DeviceBuffer[4];
          for (int k = 0; k < 4; k++) {
            buffers[k] = b.upload(dtype, state[k]);
          }
          double[][] want = update.run(b, dtype, state, buffers, c[1]);
          String what = "n=" + n + " lr=" + c[1];
          Compare.close(what + ": param", Values.stored(dtype, want[0]), b.read(buffers[0]), tol);
          Compare.close(what + ": m", Values.stored(dtype, want[1]), b.read(buffers[2]), tol);
          Compare.close(what + ": v", Values.stored(dtype, want[2]), b.read(buffers[3]), tol);
        }
        return CASES.length + " steps, param and both moments";
      });
    }
  }

  /**
   * One {@code kind} check per dtype: batches of 3, 19 and mixed-dtype entries against the single
   * update of each ({@link BatchUpdates}); second moments away from 0, as in {@link #steps}.
   */
  private static void batches(CheckRunner r, String kind,
      Function<Buffers, BatchUpdates.Update> update) {
    for (DType dtype : Values.FLOATS) {
      String name = kind + " " + dtype;
      r.check(name, b -> {
        Random random = r.random(name);
        BatchUpdates.Update u = update.apply(b);
        List<DType[]> cases = BatchUpdates.cases(dtype);
        for (DType[] dtypes : cases) {
          BatchUpdates.allAsOneByOne(b, random, kind, new String[] {"param", "grad", "m", "v"},
              new double[] {-1, -1, -1, 0.01}, u, dtypes);
        }
        return cases.size() + " calls of up to 19 parameters, mixed dtypes too, bit for bit the "
            + "same as the single update of each";
      });
    }
  }
}
