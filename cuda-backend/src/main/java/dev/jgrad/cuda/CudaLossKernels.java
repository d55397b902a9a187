package dev.jgrad.cuda;

import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS;
import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * Fused CUDA kernels for ops the autograd layer defines, registered by name through the same
 * registry as plugin kernels: softmax cross-entropy with integer labels and its gradient, each
 * one launch of {@link CudaFusedOps#softmaxCrossEntropy} (plus a reduction or a scaling) instead
 * of a dozen primitive launches. The output gradient stays on the device: no host sync.
 */
public final class CudaLossKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(SOFTMAX_CROSS_ENTROPY_LABELS, CudaBackend.NAME, CudaLossKernels::softmaxCrossEntropy);
    r.kernel(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, CudaBackend.NAME,
        CudaLossKernels::softmaxCrossEntropyGrad);
  }

  /**
   * The mean in one launch for a small batch ({@link CudaFusedOps#meanInOneLaunch}); larger ones:
   * per-row losses from the fused kernel, then their mean.
   */
  private static void softmaxCrossEntropy(KernelCall c) {
    CudaBackend b = (CudaBackend) c.backend();
    int n = c.inputSpec(0).shape().dim(0);
    int k = c.inputSpec(0).shape().dim(1);
    if (CudaFusedOps.meanInOneLaunch(n, k)) {
      b.fused().softmaxCrossEntropyMean(c.input(0), c.input(1), n, k, c.output());
      return;
    }
    try (DeviceBuffer rowLoss = b.allocate(c.outputSpec().dtype(), n)) {
      b.fused().softmaxCrossEntropy(c.input(0), c.input(1), n, k, rowLoss, null, 0);
      b.reduce(ReduceOp.SUM, rowLoss, 1, n, 1, c.output());
      b.scalar(BinaryOp.MUL, c.output(), 1.0 / n, c.output());
    }
  }

  /**
   * (softmax - onehot) / n from the fused kernel, times the output gradient, on device: in the
   * same launch when that gradient is one value (the mean loss's), else a broadcast multiply.
   */
  private static void softmaxCrossEntropyGrad(KernelCall c) {
    CudaBackend b = (CudaBackend) c.backend();
    Shape s = c.inputSpec(0).shape();
    int n = s.dim(0);
    boolean oneValue = c.inputSpec(2).shape().size() == 1;
    try (DeviceBuffer rowLoss = b.allocate(c.outputSpec().dtype(), n)) {
      b.fused().softmaxCrossEntropy(c.input(0), c.input(1), n, s.dim(1), rowLoss, c.output(),
          1.0 / n, oneValue ? c.input(2) : null);
    }
    if (!oneValue) {
      b.binary(BinaryOp.MUL, c.output(), s, c.input(2), c.inputSpec(2).shape(), c.output(), s);
    }
  }
}
