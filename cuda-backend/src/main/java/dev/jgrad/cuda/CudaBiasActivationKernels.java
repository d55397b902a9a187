package dev.jgrad.cuda;

import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import java.util.Locale;

/**
 * The CUDA kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)}: one launch of
 * {@link CudaFusedOps#biasActivation} instead of a broadcast add and a unary launch, and one read
 * of the activations instead of two. Registered by name, like {@link CudaLossKernels}.
 */
public final class CudaBiasActivationKernels implements OpProvider {
  static final String BIAS_ACTIVATION = "jgrad::bias_activation";
  private static final String ACTIVATION = "activation";

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(BIAS_ACTIVATION, CudaBackend.NAME, CudaBiasActivationKernels::biasActivation);
  }

  private static void biasActivation(KernelCall c) {
    CudaBackend b = (CudaBackend) c.backend();
    int rows = c.inputSpec(0).shape().dim(0);
    int cols = c.inputSpec(0).shape().dim(1);
    b.fused().biasActivation(c.input(0), c.input(1), rows, cols,
        unaryOp(c.attrs().getString(ACTIVATION)), c.output());
  }

  /** The kernel's activation code for the op's attribute; null adds the bias only. */
  static UnaryOp unaryOp(String activation) {
    return switch (activation) {
      case "identity" -> null;
      case "relu", "sigmoid", "tanh" -> UnaryOp.valueOf(activation.toUpperCase(Locale.ROOT));
      default -> throw new IllegalArgumentException(BIAS_ACTIVATION + ": the CUDA kernel has no"
          + " activation '" + activation + "'; it fuses identity, relu, sigmoid, tanh");
    };
  }
}
