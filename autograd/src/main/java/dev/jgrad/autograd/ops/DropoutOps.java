package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.api.op.AttrKeys.P;
import static dev.jgrad.api.op.AttrKeys.SEED;
import static dev.jgrad.api.op.OpNames.DROPOUT_MASK;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.Shape;
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

  /**
   * The inverted dropout mask for {@code x} (only its shape, dtype and backend are used), call
   * {@code counter} of a layer seeded {@code seed}: {@code counter} is a one-element FLOAT64
   * tensor on x's backend holding a whole number in [0, 2^53), read when the kernel runs (a
   * captured graph reads what was filled in before each launch). The CPU kernels reject another
   * value; the CUDA kernel does not check it.
   */
  public static Tensor dropoutMask(Tensor x, double p, long seed, Tensor counter) {
    return Ops.call(DROPOUT_MASK, Attrs.of(P, p, SEED, seed), x, counter);
  }

  /** As {@link #dropoutMask(Tensor, double, long, Tensor)}, for a counter known on the host. */
  public static Tensor dropoutMask(Tensor x, double p, long seed, long counter) {
    DropoutMask.checkCounter(DROPOUT_MASK, counter);
    if (x.backend() instanceof GraphCapture g && g.isCapturing()) {
      throw new IllegalStateException(DROPOUT_MASK + " with a counter from the host uploads it, "
          + "which a CUDA graph capture cannot hold; pass the counter as a tensor filled before "
          + "each launch (GraphCapture.beforeEachLaunch), as the Dropout layer does");
    }
    Tensor c = Tensor.wrap(x.backend(), x.backend().upload(new double[] {counter}), Shape.of(1));
    try {
      return dropoutMask(x, p, seed, c);
    } finally {
      c.buffer().close(); // the mask is written: the backend's stream orders the release after it
    }
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(DROPOUT_MASK).arity(2).attributes(P, SEED).ownDtypeInputs(1).differentiable(false)
        .shapeRule((in, a) -> {
          DropoutMask.checkP(DROPOUT_MASK, a.getDouble(P));
          a.getLong(SEED);
          checkArgument(in.get(0).shape().size() <= Integer.MAX_VALUE,
              "%s: at most 2^31 - 1 elements, got %s", DROPOUT_MASK, in.get(0).shape());
          checkArgument(in.get(1).dtype() == DType.FLOAT64 && in.get(1).shape().size() == 1,
              "%s: the counter (second input) must be one FLOAT64 element, got %s %s",
              DROPOUT_MASK, in.get(1).dtype(), in.get(1).shape());
          return in.get(0);
        }).build(),
        DropoutOps::portable, null);
  }

  /** Fills the mask on the host and uploads it, for backends without a kernel of their own. */
  private static void portable(KernelCall c) {
    Attrs a = c.attrs();
    int n = (int) c.outputSpec().shape().size();
    double[] counter = new double[1];
    c.backend().download(c.input(1), counter);
    long call = DropoutMask.counter(DROPOUT_MASK, counter[0]);
    DeviceBuffer host;
    if (c.outputSpec().dtype() == DType.FLOAT32) {
      float[] m = new float[n];
      DropoutMask.fill(m, n, a.getDouble(P), a.getLong(SEED), call);
      host = c.backend().upload(m);
    } else {
      double[] m = new double[n];
      DropoutMask.fill(m, n, a.getDouble(P), a.getLong(SEED), call);
      host = c.backend().upload(m);
    }
    try {
      c.backend().copy(host, 0, c.output(), 0, n);
    } finally {
      host.close();
    }
  }
}
