package dev.jgrad.cpu;

/**
 * The fused optimizer updates: SGD's ({@link CpuBackend#sgdUpdate}), one pass over parameter,
 * gradient and velocity, where the primitives would take two or three (measured in
 * docs/benchmarks.md), Adam's ({@link CpuBackend#adamUpdate}), one pass where they take
 * twelve, and AdamW's ({@link CpuBackend#adamwUpdate}), one where they take fourteen. Plain
 * same-index loops ({@link DTypeKernels}), which the JIT vectorizes, split over the threads by
 * range (each entry's result does not depend on the split). FLOAT32 SGD and Adam updates run in
 * the native helper where it is loaded, with the same bits (no interpreted loop in a run's first
 * steps).
 */
final class OptimizerKernels {
  private OptimizerKernels() {}

  static void sgd(CpuBuffer p, CpuBuffer g, CpuBuffer v, double lr, double momentum,
      double weightDecay) {
    DTypeKernels k = p.kernels();
    Object ps = k.array(p);
    Object gs = k.array(g);
    Object vs = v == null ? null : k.array(v);
    if (NativeCpu.available() && ps instanceof float[] pf && gs instanceof float[] gf
        && (vs == null || vs instanceof float[])) {
      float[] vf = (float[]) vs;
      Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD, (from, to) -> NativeCpu.check(
          NativeCpu.sgdUpdate(from, to, pf, gf, vf, (float) lr, (float) momentum,
              (float) weightDecay), "SGD update"));
      return;
    }
    Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD,
        (from, to) -> k.sgdUpdate(ps, gs, vs, lr, momentum, weightDecay, from, to));
  }

  static void adam(CpuBuffer p, CpuBuffer g, CpuBuffer m, CpuBuffer v, double beta1,
      double beta2, double eps, double lrT) {
    DTypeKernels k = p.kernels();
    Object ps = k.array(p);
    Object gs = k.array(g);
    Object ms = k.array(m);
    Object vs = k.array(v);
    if (NativeCpu.available() && ps instanceof float[] pf && gs instanceof float[] gf
        && ms instanceof float[] mf && vs instanceof float[] vf) {
      // FloatKernels.adamUpdate's float constants, computed as it computes them
      float c1 = (float) (1 - beta1);
      float c2 = (float) (1 - beta2);
      float e = (float) eps;
      float step = (float) (-lrT);
      Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD, (from, to) -> NativeCpu.check(
          NativeCpu.adamUpdate(from, to, pf, gf, mf, vf, c1, c2, e, step), "Adam update"));
      return;
    }
    Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD,
        (from, to) -> k.adamUpdate(ps, gs, ms, vs, beta1, beta2, eps, lrT, from, to));
  }

  /** AdamW in one pass, the Java loop split over the threads (no native version). */
  static void adamw(CpuBuffer p, CpuBuffer g, CpuBuffer m, CpuBuffer v, double beta1,
      double beta2, double eps, double decay, double biasRoot, double step) {
    DTypeKernels k = p.kernels();
    Object ps = k.array(p);
    Object gs = k.array(g);
    Object ms = k.array(m);
    Object vs = k.array(v);
    Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD, (from, to) -> k.adamwUpdate(ps, gs,
        ms, vs, beta1, beta2, eps, decay, biasRoot, step, from, to));
  }
}
