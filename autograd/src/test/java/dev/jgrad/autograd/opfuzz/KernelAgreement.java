package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.TestBackends;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Non-finite values through every kernel: a case of any family, its inputs with NaN and
 * infinities sprinkled in, run on the CPU backend (its own kernels: native, sparse, direct,
 * fused) and on the portable kernels (a renamed CPU backend, which has none of them), forward
 * and backward. The reference cannot say what an op should give for NaN and infinities where its
 * kernels sum in other orders, but the kernels must agree with each other: NaN at the same
 * places, the same infinities, and close finite values.
 */
final class KernelAgreement {
  /** The CPU backend's primitives without its kernels: ops take their portable path on it. */
  private static final Backend PORTABLE = TestBackends.renamedCpu("portable");

  private KernelAgreement() {}

  /** Checks the case {@code gen} draws from {@code seed} in {@code dtype} on both. */
  static void check(String family, Harness.Generator gen, DType dtype, long seed) {
    List<double[]> cpu = run(gen, dtype, seed, null);
    List<double[]> portable = run(gen, dtype, seed, PORTABLE);
    for (int i = 0; i < cpu.size(); i++) {
      String differs = differs(cpu.get(i), portable.get(i), dtype);
      if (differs != null) {
        throw new AssertionError((i == 0 ? "forward" : "gradient " + i) + " on the cpu kernels "
            + "and the portable ones differ " + differs + "\n  case: " + family + " "
            + gen.apply(Harness.random(seed), dtype).describe() + ", " + dtype + ", seed "
            + seed + ", inputs with NaN and infinities\n" + inputs(gen, dtype, seed));
      }
    }
  }

  /** The output and the gradients of the inputs that take one, on {@code backend}. */
  private static List<double[]> run(Harness.Generator gen, DType dtype, long seed,
      Backend backend) {
    Random r = Harness.random(seed);
    FuzzCase c = gen.apply(r, dtype);
    List<FuzzInput> inputs = new ArrayList<>();
    for (InputSpec spec : c.inputs()) {
      inputs.add(FuzzInput.draw(r, spec, dtype, spec.grad(), spec.views() ? 3 : 0, backend,
          true));
    }
    List<double[]> out = new ArrayList<>();
    Tensor y;
    try {
      y = c.run().apply(inputs.stream().map(FuzzInput::tensor).toList());
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      out.add(new double[0]); // refused (an empty case's): both must refuse
      return out;
    }
    out.add(y.dtype() == DType.INT32 ? Arrays.stream(y.toIntArray()).asDoubleStream().toArray()
        : y.toDoubleArray());
    if (!y.requiresGrad()) {
      return out;
    }
    FuzzInput w = FuzzInput.draw(r, InputSpec.constant("w", Dist.NORMAL, y.shape().dims()),
        y.dtype(), false, 0, backend, false);
    y.backward(w.tensor());
    for (FuzzInput in : inputs) {
      if (in.leaf() != null) {
        out.add(in.leaf().grad().toDoubleArray());
      }
    }
    return out;
  }

  /**
   * Null when {@code a} and {@code b} agree: NaN and each infinity at the same places, finite
   * values within a small share of the largest finite one; else where they differ first.
   */
  private static String differs(double[] a, double[] b, DType dtype) {
    if (a.length != b.length) {
      return "in length: " + a.length + " and " + b.length;
    }
    double scale = 0;
    for (double v : a) {
      scale = Double.isFinite(v) ? Math.max(scale, Math.abs(v)) : scale;
    }
    double tol = (dtype == DType.FLOAT64 ? 1e-10 : 1e-4) * scale;
    for (int i = 0; i < a.length; i++) {
      boolean same = Double.isNaN(a[i]) ? Double.isNaN(b[i])
          : Double.isInfinite(a[i]) ? a[i] == b[i]
          : Double.isFinite(b[i]) && Math.abs(a[i] - b[i]) <= tol;
      if (!same) {
        return "at " + i + ": " + a[i] + " and " + b[i];
      }
    }
    return null;
  }

  /** The inputs of the case, as drawn on the CPU backend, for the message. */
  private static String inputs(Harness.Generator gen, DType dtype, long seed) {
    Random r = Harness.random(seed);
    FuzzCase c = gen.apply(r, dtype);
    StringBuilder sb = new StringBuilder();
    for (InputSpec spec : c.inputs()) {
      FuzzInput in = FuzzInput.draw(r, spec, dtype, spec.grad(), spec.views() ? 3 : 0, null, true);
      sb.append("  ").append(in.describe()).append(' ')
          .append(in.values().size() <= 64 ? Arrays.toString(in.values().v) : "").append('\n');
    }
    return sb.toString();
  }
}
