package dev.jgrad.cpu;

import static dev.jgrad.api.op.AttrKeys.P;
import static dev.jgrad.api.op.AttrKeys.SEED;
import static dev.jgrad.api.op.OpNames.DROPOUT_MASK;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernel of {@code jgrad::dropout_mask}: {@link DropoutMask} written straight into the
 * output array, without the portable kernel's temporary array and copy.
 */
public final class CpuDropoutKernel implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(DROPOUT_MASK, CpuBackend.NAME, CpuDropoutKernel::mask);
  }

  private static void mask(KernelCall c) {
    CpuBuffer out = Checks.cpu(DROPOUT_MASK, "output", c.output());
    double p = c.attrs().getDouble(P);
    long seed = c.attrs().getLong(SEED);
    long counter = DropoutMask.counter(DROPOUT_MASK,
        Checks.cpu(DROPOUT_MASK, "counter", c.input(1)).doubles()[0]);
    if (out.dtype() == DType.FLOAT32) {
      DropoutMask.fill(out.floats(), out.size(), p, seed, counter);
    } else {
      DropoutMask.fill(out.doubles(), out.size(), p, seed, counter);
    }
  }
}
