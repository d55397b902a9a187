package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The book's {@code AdaGrad} (6.1.5): each weight's step shrinks with the sum of its squared
 * gradients so far.
 *
 * <pre>
 * h += g * g                     (h starts at 0)
 * W -= lr * g / (sqrt(h) + eps)      (eps 1e-7, the book's; PyTorch's Adagrad: 1e-10)
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}).
 *
 * <pre>{@code
 * Optimizer opt = new AdaGrad(model.namedParameters(), 0.01);
 * Optimizer torchLike = new AdaGrad(model.namedParameters(), 0.01, 0, 1e-10);   // PyTorch's eps
 * }</pre>
 */
public final class AdaGrad extends ParameterOptimizer {
  /** Keeps the first division finite; the book's value, the default eps. */
  public static final double EPSILON = 1e-7;

  private final double eps;

  /** AdaGrad without weight decay, eps {@value #EPSILON}. */
  public AdaGrad(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, 0);
  }

  /**
   * AdaGrad with L2 weight decay: {@code g + weightDecay * W} in place of {@code g}; eps
   * {@value #EPSILON}.
   */
  public AdaGrad(Map<String, Tensor> parameters, double learningRate, double weightDecay) {
    this(parameters, learningRate, weightDecay, EPSILON);
  }

  /**
   * AdaGrad with L2 weight decay and {@code eps} (positive, finite) added to {@code sqrt(h)}:
   * PyTorch's {@code Adagrad} default is 1e-10.
   */
  public AdaGrad(Map<String, Tensor> parameters, double learningRate, double weightDecay,
      double eps) {
    super("adagrad", parameters, learningRate, weightDecay);
    this.eps = checkEps(eps);
  }

  /** {@code eps} if it is positive and finite, else the IllegalArgumentException saying so. */
  static double checkEps(double eps) {
    checkArgument(eps > 0 && Double.isFinite(eps), "eps must be positive and finite, got %s; "
        + "e.g. 1e-8", eps);
    return eps;
  }

  @Override
  List<String> slotNames() {
    return List.of("h");
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer g = grad.buffer();
    DeviceBuffer h = slot("h", name, parameter);
    math.apply(BinaryOp.MUL, g, g, scratch);
    math.apply(BinaryOp.ADD, h, scratch, h);
    math.divideBySqrtPlusEps(g, h, eps, scratch);
    subtractRateTimes(parameter.backend(), parameter.buffer(), scratch, math, scratch);
  }

  @Override
  public Map<String, Double> settings() {
    return with(super.settings(), "eps", eps);
  }

  @Override
  public String toString() {
    return describe(epsSetting(eps));
  }

  /** {@code "eps=..."} for an eps other than the default {@value #EPSILON}, else nothing. */
  static String epsSetting(double eps) {
    return eps == EPSILON ? "" : "eps=" + eps;
  }
}
