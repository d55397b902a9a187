package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.RELU_GRAD;

import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CUDA kernel of {@code jgrad::relu_grad}, {@code g} where {@code x > 0} else +0: one launch
 * of {@code fused.ptx}'s {@code jg_relu_grad} instead of the portable kernel's passes (several
 * launches and a temporary per ReLU layer and step), selects only, so the CPU's values.
 * Registered as a {@code PtxKernel}, as {@link CudaBiasActivationKernels} is
 * ({@link FusedKernels#reluGrad}).
 */
public final class CudaReluGradKernel implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(RELU_GRAD, CudaBackend.NAME, FusedKernels.reluGrad());
  }
}
