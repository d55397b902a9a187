package dev.jgrad.cpu;

/**
 * The fused SGD update of {@link CpuBackend#sgdUpdate}: one pass over parameter, gradient and
 * velocity, where the primitives would take two or three (measured in docs/benchmarks.md). Plain
 * same-index loops, which the JIT vectorizes.
 */
final class SgdKernels {
  private SgdKernels() {}

  static void update(CpuBuffer p, CpuBuffer g, CpuBuffer v, double lr, double momentum,
      double weightDecay) {
    Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD, (from, to) -> {
      if (p.dtype() == dev.jgrad.api.DType.FLOAT32) {
        floats(p.floats(), g.floats(), v == null ? null : v.floats(), (float) lr,
            (float) momentum, (float) weightDecay, from, to);
      } else {
        doubles(p.doubles(), g.doubles(), v == null ? null : v.doubles(), lr, momentum,
            weightDecay, from, to);
      }
    });
  }

  private static void floats(float[] p, float[] g, float[] v, float lr, float m, float wd,
      int from, int to) {
    if (v == null) {
      for (int i = from; i < to; i++) {
        p[i] -= lr * (g[i] + wd * p[i]);
      }
    } else {
      for (int i = from; i < to; i++) {
        v[i] = m * v[i] + g[i] + wd * p[i];
        p[i] -= lr * v[i];
      }
    }
  }

  private static void doubles(double[] p, double[] g, double[] v, double lr, double m,
      double wd, int from, int to) {
    if (v == null) {
      for (int i = from; i < to; i++) {
        p[i] -= lr * (g[i] + wd * p[i]);
      }
    } else {
      for (int i = from; i < to; i++) {
        v[i] = m * v[i] + g[i] + wd * p[i];
        p[i] -= lr * v[i];
      }
    }
  }
}
