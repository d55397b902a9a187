package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.BIAS_ACTIVATION;

import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CUDA kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)}: one launch of
 * {@code fused.ptx}'s {@code jg_bias_act} instead of a broadcast add and a unary launch, and one
 * read of the activations instead of two. Registered as a {@code PtxKernel}, exactly as a plugin
 * registers one ({@link FusedKernels#biasActivation}).
 */
public final class CudaBiasActivationKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(BIAS_ACTIVATION, CudaBackend.NAME, FusedKernels.biasActivation());
  }
}
