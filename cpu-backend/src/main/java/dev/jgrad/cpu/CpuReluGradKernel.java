package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.RELU_GRAD;

import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernel of {@code jgrad::relu_grad}, {@code g} where {@code x > 0} else +0: one pass
 * instead of the portable kernel's several (passes over the activations and a temporary, for each
 * ReLU layer of each training step), with the portable kernel's values
 * ({@link DTypeKernels#reluGrad}). FLOAT32 runs in the native helper where it is loaded, with the
 * same bits, split over the cores from {@link Elementwise#CHEAP_THRESHOLD} entries (a conv
 * layer's, not a dense layer's); otherwise on the calling thread, like the bias-activation kernel.
 */
public final class CpuReluGradKernel implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(RELU_GRAD, CpuBackend.NAME, CpuReluGradKernel::reluGrad);
  }

  private static void reluGrad(KernelCall c) {
    CpuBuffer g = Checks.cpu(RELU_GRAD, "gradient", c.input(0));
    CpuBuffer x = Checks.cpu(RELU_GRAD, "x", c.input(1));
    CpuBuffer out = Checks.cpu(RELU_GRAD, "output", c.output());
    Checks.sameDtype(RELU_GRAD, "gradient", g, "x", x);
    Checks.sameDtype(RELU_GRAD, "gradient", g, "output", out);
    Checks.length(RELU_GRAD, "x", x, g.length());
    Checks.length(RELU_GRAD, "output", out, g.length());
    if (NativeCpu.available() && g.array() instanceof float[] gs
        && x.array() instanceof float[] xs && out.array() instanceof float[] os) {
      Parallel.forRange(g.size(), Elementwise.CHEAP_THRESHOLD, (from, to) ->
          NativeCpu.check(NativeCpu.reluGrad(from, to, gs, xs, os), RELU_GRAD));
      return;
    }
    DTypeKernels k = g.kernels();
    k.reluGrad(k.array(g), k.array(x), k.array(out), g.size());
  }
}
