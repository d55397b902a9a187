package dev.jgrad.cpu;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;

/**
 * Runs the elementwise primitives ({@code unary}, {@code scalar}, broadcast {@code binary}) on
 * the dtype's loops ({@link DTypeKernels}), split over the cores by
 * {@link Parallel} when the tensor is large enough for that to pay. Arguments are already checked.
 * Every output element depends only on input elements at the same (or a broadcast) position, so
 * writing in place over an input is safe.
 */
final class Elementwise {
  /**
   * Elements below which a cheap op (add, mul, relu...) stays on one thread. In isolation a float
   * add split over both cores of the 2-core reference machine breaks even at 16K elements and
   * wins from 32K (5.2 to 3.6 us; {@code ElementwiseThresholdBench}). Inside a training step it
   * loses: between primitives the worker goes back to sleep, and waking it costs more than half a
   * 78K-element SGD update (the 784-100-10 MLP trained faster with ops of that size on one
   * thread, docs/benchmarks.md). So the split starts at 256K elements. Overridable with
   * {@code -Djgrad.cpu.parallelThreshold}.
   */
  static final int CHEAP_THRESHOLD = CpuProperties.parallelThreshold();
  /**
   * The same for ops that call exp/log/tanh/pow per element, tens of times slower per element:
   * splitting exp wins from 1K elements (12 to 8 us).
   */
  static final int COSTLY_THRESHOLD =
      CpuProperties.parallelThresholdCostly();
  /**
   * Shortest FLOAT32 division by a scalar that runs in the native helper (a JNI call costs about
   * a microsecond; the Java loop ran 5x slower until C2 compiled it, through the first epoch).
   */
  private static final int NATIVE_DIV_MIN = 4096;

  private Elementwise() {}

  static void unary(UnaryOp op, CpuBuffer x, CpuBuffer out) {
    int threshold = isCostly(op) ? COSTLY_THRESHOLD : CHEAP_THRESHOLD;
    DTypeKernels k = x.kernels();
    Object xs = k.array(x);
    Object os = k.array(out);
    Parallel.forRange(out.size(), threshold, (from, to) -> k.unary(op, xs, os, from, to));
  }

  static void scalar(BinaryOp op, CpuBuffer a, double s, CpuBuffer out) {
    DTypeKernels k = a.kernels();
    Object as = k.array(a);
    Object os = k.array(out);
    if (op == BinaryOp.DIV && as instanceof float[] af && out.size() >= NATIVE_DIV_MIN
        && out.size() < CHEAP_THRESHOLD && NativeCpu.available()) {
      // in the first steps too: a batch of pixels is divided by 255 in every training step
      NativeCpu.check(NativeCpu.divScalar(af, 0, (float) s, (float[]) os, 0, out.size()),
          "scalar(DIV)");
      return;
    }
    Parallel.forRange(out.size(), threshold(op), (from, to) -> k.scalar(op, as, s, os, from, to));
  }

  static void binary(BinaryOp op, CpuBuffer a, CpuBuffer b, CpuBuffer out, BroadcastPlan plan) {
    DTypeKernels k = a.kernels();
    BroadcastPlan.Run run = k.binary(op, k.array(a), k.array(b), k.array(out));
    Parallel.forRange(out.size(), threshold(op), (from, to) -> plan.forEachRun(from, to, run));
  }

  private static int threshold(BinaryOp op) {
    return op == BinaryOp.POW ? COSTLY_THRESHOLD : CHEAP_THRESHOLD;
  }

  private static boolean isCostly(UnaryOp op) {
    return switch (op) {
      case EXP, LOG, TANH, SIGMOID, SIN, COS, LOG1P, EXPM1, ERF -> true;
      default -> false;
    };
  }
}
