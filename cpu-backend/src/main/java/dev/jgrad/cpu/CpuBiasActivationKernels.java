package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.BIAS_ACTIVATION;

import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)} over
 * {@code x [rows, cols]}: row by row, the bias is added and the activation applied in one loop
 * while the row is in the L1 cache, so the activations cross memory once instead of twice (add,
 * then activation) and no temporary tensor is allocated. The arithmetic is that of the
 * {@code add} and unary primitives, so the result is bit for bit the unfused one. FLOAT32 with
 * ReLU or no activation runs in the native helper where it is loaded ({@link NativeCpu}), with
 * the same bits: no interpreted loop in a run's first steps, and no copy through a scratch row.
 *
 * <p>Runs on the calling thread: one pass over a layer's activations costs about as much as
 * handing work to another core for the layer sizes it is used with.
 */
public final class CpuBiasActivationKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(BIAS_ACTIVATION, CpuBackend.NAME, CpuBiasActivationKernels::biasActivation);
  }

  private static void biasActivation(KernelCall c) {
    CpuBuffer x = Checks.cpu(BIAS_ACTIVATION, "x", c.input(0));
    CpuBuffer bias = Checks.cpu(BIAS_ACTIVATION, "bias", c.input(1));
    CpuBuffer out = Checks.cpu(BIAS_ACTIVATION, "output", c.output());
    int rows = c.inputSpec(0).shape().dim(0);
    int cols = c.inputSpec(0).shape().dim(1);
    Checks.length(BIAS_ACTIVATION, "bias", bias, cols);
    // null for identity: the bias only
    UnaryOp act = FusedActivation.of(c.attrs()).unaryOp();
    if ((act == null || act == UnaryOp.RELU) && NativeCpu.available()
        && x.array() instanceof float[] xs && bias.array() instanceof float[] bs
        && out.array() instanceof float[] os) {
      Checks.length(BIAS_ACTIVATION, "x", x, (long) rows * cols);
      Checks.length(BIAS_ACTIVATION, "output", out, (long) rows * cols);
      NativeCpu.check(NativeCpu.biasActivation(rows, cols, xs, bs, act != null, os),
          BIAS_ACTIVATION);
      return;
    }
    DTypeKernels k = x.kernels();
    k.biasActivation(k.array(x), k.array(bias), act, k.array(out), rows, cols);
  }
}
