package dev.jgrad.optim;

import dev.jgrad.autograd.Tensor;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.Adam} (amsgrad off), for a port that must train as PyTorch does:
 * eps inside the bias correction and weight decay as an L2 term added to the gradient.
 *
 * <pre>
 * t += 1                                            (per parameter, as in {@link Adam})
 * g += lambda * W                                   (weight_decay; none when 0)
 * m += (1 - beta1) * (g - m)                        (m, v start at 0)
 * v += (1 - beta2) * (g * g - v)
 * W -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The defaults are PyTorch's: betas (0.9, 0.999), eps 1e-8, no weight decay. jgrad's
 * {@link Adam} is the book's form instead (eps 1e-7 added outside the bias correction), which
 * moves a parameter with a gradient near eps by half as much or less. {@link AdamW} is the
 * decoupled decay. A checkpoint records the kind {@code torch-adam}, so a state saved by one of
 * the three never resumes into another.
 *
 * <pre>{@code
 * // torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
 * Optimizer opt = new TorchAdam(model.namedParameters(), 1e-3, 1e-4);
 * }</pre>
 */
public final class TorchAdam extends TorchOrderAdam {
  /** The name of this kind in checkpoints and on command lines. */
  static final String KIND = "torch-adam";

  /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
  public TorchAdam(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, 0);
  }

  /** PyTorch's betas and eps with L2 weight decay {@code weightDecay} (PyTorch's meaning). */
  public TorchAdam(Map<String, Tensor> parameters, double learningRate, double weightDecay) {
    this(parameters, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, weightDecay);
  }

  /**
   * Every setting given, as {@code torch.optim.Adam(params, lr, betas=(beta1, beta2), eps,
   * weight_decay)}: betas in [0, 1), a positive finite eps, weight decay at least 0.
   */
  public TorchAdam(Map<String, Tensor> parameters, double learningRate, double beta1,
      double beta2, double eps, double weightDecay) {
    super(KIND, parameters, learningRate, weightDecay, beta1, beta2, eps, 0);
  }

  @Override
  public String toString() {
    return describe("beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps);
  }
}
