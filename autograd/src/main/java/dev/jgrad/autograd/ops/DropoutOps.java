package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.api.op.AttrKeys.COUNTER;
import static dev.jgrad.api.op.AttrKeys.P;
import static dev.jgrad.api.op.AttrKeys.SEED;
import static dev.jgrad.api.op.OpNames.DROPOUT_MASK;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;

/**
 * Dropout's mask as an op, {@value dev.jgrad.api.op.OpNames#DROPOUT_MASK}: values 0 and
 * {@code 1 / (1 - p)} shaped like {@code x}, from {@link DropoutMask}'s counter-based generator,
 * so the same (seed, counter) gives the same mask on every backend. It is not differentiable: the
 * layer multiplies it into {@code x}, and {@code mul}'s rule gives the gradient {@code g * mask}.
 *
 * <p>The portable kernel fills a host array and uploads it; backends register kernels that write
 * the mask where it lives (the CPU into its array, CUDA on the device).
 */
public final class DropoutOps {
  private DropoutOps() {}

  /** The inverted dropout mask for {@code x} (only its shape, dtype and backend are used). */
  public static Tensor dropoutMask(Tensor x, double p, long seed, long counter) {
    return Ops.call(DROPOUT_MASK, Attrs.of(P, p, SEED, seed, COUNTER, counter), x);
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(DROPOUT_MASK).arity(1).differentiable(false)
        .shapeRule((in, a) -> {
          DropoutMask.checkP(DROPOUT_MASK, a.getDouble(P));
          a.getLong(SEED);
          a.getLong(COUNTER);
          checkArgument(in.get(0).shape().size() <= Integer.MAX_VALUE,
              "%s: at most 2^31 - 1 elements, got %s", DROPOUT_MASK, in.get(0).shape());
          return in.get(0);
        }).build(),
        DropoutOps::portable, null);
  }

  private static void portable(KernelCall c) {
    Attrs a = c.attrs();
    int n = (int) c.outputSpec().shape().size();
    DeviceBuffer host;
    if (c.outputSpec().dtype() == DType.FLOAT32) {
      float[] m = new float[n];
      DropoutMask.fill(m, n, a.getDouble(P), a.getLong(SEED), a.getLong(COUNTER));
      host = c.backend().upload(m);
    } else {
      double[] m = new double[n];
      DropoutMask.fill(m, n, a.getDouble(P), a.getLong(SEED), a.getLong(COUNTER));
      host = c.backend().upload(m);
    }
    try {
      c.backend().copy(host, 0, c.output(), 0, n);
    } finally {
      host.close();
    }
  }
}
