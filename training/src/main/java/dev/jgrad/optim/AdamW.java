package dev.jgrad.optim;

import dev.jgrad.autograd.Tensor;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's {@code torch.optim.AdamW}:
 * the weights shrink by {@code lr * lambda} each step, apart from the adaptive step, so the decay
 * is not divided by {@code sqrt(v)} as an L2 term in the gradient would be.
 *
 * <pre>
 * t += 1                                            (per parameter, as in {@link Adam})
 * W *= 1 - lr * lambda
 * m += (1 - beta1) * (g - m)                        (m, v start at 0)
 * v += (1 - beta2) * (g * g - v)
 * W -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The defaults are PyTorch's: beta1 0.9, beta2 0.999, eps 1e-8, lambda 0.01. Unlike {@link Adam}
 * (the book's form, eps 1e-7 outside the bias correction), eps is added to the bias-corrected
 * {@code sqrt(v)}, as PyTorch does. PyTorch's {@code torch.optim.Adam} is {@link TorchAdam}.
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.namedParameters(), 0.001);          // lambda 0.01
 * Optimizer strong = new AdamW(model.namedParameters(), 0.001, 0.1);  // lambda 0.1
 * }</pre>
 */
public final class AdamW extends TorchOrderAdam {
  /** PyTorch's default decoupled weight decay. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;

  private final double weightDecay;

  /** AdamW with PyTorch's defaults: betas (0.9, 0.999), epsilon 1e-8, weight decay 0.01. */
  public AdamW(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_WEIGHT_DECAY);
  }

  /** AdamW with PyTorch's betas and epsilon and the given decoupled weight decay. */
  public AdamW(Map<String, Tensor> parameters, double learningRate, double weightDecay) {
    this(parameters, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON,
        weightDecay);
  }

  /**
   * AdamW with every setting given: betas in [0, 1), a positive finite epsilon, weight decay at
   * least 0.
   */
  public AdamW(Map<String, Tensor> parameters, double learningRate, double beta1, double beta2,
      double eps, double weightDecay) {
    // the decay is decoupled: not added to g
    super("adamw", parameters, learningRate, 0, beta1, beta2, eps, weightDecay);
    this.weightDecay = weightDecay;
  }

  /** The decoupled decay as {@code weightDecay} (no L2 term is added to the gradient). */
  @Override
  public Map<String, Double> settings() {
    return with(super.settings(), "weightDecay", weightDecay);
  }

  @Override
  public String toString() {
    return describe("beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", weightDecay="
        + weightDecay);
  }
}
