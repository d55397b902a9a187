package dev.jgrad.cpu;

/**
 * The fused SGD update of {@link CpuBackend#sgdUpdate}: one pass over parameter, gradient and
 * velocity, where the primitives would take two or three (measured in docs/benchmarks.md). Plain
 * same-index loops ({@link DTypeKernels#sgdUpdate}), which the JIT vectorizes.
 */
final class SgdKernels {
  private SgdKernels() {}

  static void update(CpuBuffer p, CpuBuffer g, CpuBuffer v, double lr, double momentum,
      double weightDecay) {
    DTypeKernels k = p.kernels();
    Object ps = k.array(p);
    Object gs = k.array(g);
    Object vs = v == null ? null : k.array(v);
    Parallel.forRange(p.size(), Elementwise.CHEAP_THRESHOLD,
        (from, to) -> k.sgdUpdate(ps, gs, vs, lr, momentum, weightDecay, from, to));
  }
}
