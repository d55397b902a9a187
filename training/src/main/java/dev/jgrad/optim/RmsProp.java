package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The book's {@code RMSprop}: AdaGrad with an exponentially decaying sum, so old gradients are
 * forgotten.
 *
 * <pre>
 * h = decay * h + (1 - decay) * g * g     (h starts at 0)
 * W -= lr * g / (sqrt(h) + eps)      (eps 1e-7, the book's; PyTorch's RMSprop: 1e-8)
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}).
 *
 * <pre>{@code
 * Optimizer opt = new RmsProp(model.namedParameters(), 0.01);   // decay 0.99
 * Optimizer torchLike = new RmsProp(model.namedParameters(), 0.01, 0.99, 1e-8, 0);   // + eps
 * }</pre>
 */
public final class RmsProp extends ParameterOptimizer {
  /** The book's default decay rate. */
  public static final double DEFAULT_DECAY = 0.99;

  private final double decay;
  private final double eps;

  /** Decay rate {@value #DEFAULT_DECAY}, no weight decay. */
  public RmsProp(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_DECAY);
  }

  /** Decay rate in [0, 1), no weight decay. */
  public RmsProp(Map<String, Tensor> parameters, double learningRate, double decay) {
    this(parameters, learningRate, decay, 0);
  }

  /**
   * Decay rate in [0, 1) with L2 weight decay: {@code g + weightDecay * W} in place of {@code g};
   * eps {@value AdaGrad#EPSILON}.
   */
  public RmsProp(Map<String, Tensor> parameters, double learningRate, double decay,
      double weightDecay) {
    this(parameters, learningRate, decay, AdaGrad.EPSILON, weightDecay);
  }

  /**
   * PyTorch's {@code RMSprop(params, lr, alpha, eps, weight_decay)}: decay rate in [0, 1),
   * {@code eps} (positive, finite; PyTorch's default 1e-8) added to {@code sqrt(h)}, and L2 weight
   * decay.
   */
  public RmsProp(Map<String, Tensor> parameters, double learningRate, double decay, double eps,
      double weightDecay) {
    super("rmsprop", parameters, learningRate, weightDecay);
    checkArgument(decay >= 0 && decay < 1, "decay must be in [0, 1), got %s", decay);
    this.decay = decay;
    this.eps = AdaGrad.checkEps(eps);
  }

  @Override
  List<String> slotNames() {
    return List.of("h");
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer g = grad.buffer();
    DeviceBuffer h = slot("h", name, parameter);
    math.scale(h, decay, h);
    math.apply(BinaryOp.MUL, g, g, scratch);
    math.addScaled(h, scratch, 1 - decay, scratch);
    math.divideBySqrtPlusEps(g, h, eps, scratch);
    subtractRateTimes(parameter.backend(), parameter.buffer(), scratch, math, scratch);
  }

  @Override
  public Map<String, Double> settings() {
    return with(with(super.settings(), "decay", decay), "eps", eps);
  }

  @Override
  public String toString() {
    String eps = AdaGrad.epsSetting(this.eps);
    return describe("decay=" + decay + (eps.isEmpty() ? "" : ", " + eps));
  }
}
