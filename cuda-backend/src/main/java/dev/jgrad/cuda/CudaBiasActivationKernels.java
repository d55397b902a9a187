package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.BIAS_ACTIVATION;

import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CUDA kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)}: one launch of
 * {@link CudaFusedOps#biasActivation} instead of a broadcast add and a unary launch, and one read
 * of the activations instead of two. Registered by name, like {@link CudaLossKernels}.
 */
public final class CudaBiasActivationKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(BIAS_ACTIVATION, CudaBackend.NAME, CudaBiasActivationKernels::biasActivation);
  }

  private static void biasActivation(KernelCall c) {
    CudaBackend b = (CudaBackend) c.backend();
    int rows = c.inputSpec(0).shape().dim(0);
    int cols = c.inputSpec(0).shape().dim(1);
    b.fused().biasActivation(c.input(0), c.input(1), rows, cols, unaryOp(c.attrs()), c.output());
  }

  /** The kernel's activation code for the op's attributes; null adds the bias only. */
  static UnaryOp unaryOp(Attrs attrs) {
    return FusedActivation.of(attrs).unaryOp();
  }
}
