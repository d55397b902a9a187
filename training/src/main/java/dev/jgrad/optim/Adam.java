package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.Map;

/**
 * The book's {@code Adam} (6.1.6, as its common/optimizer.py writes it): moving averages of the
 * gradient and of its square, with the bias correction folded into the learning rate.
 *
 * <pre>
 * t += 1                                            (once per step)
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 * m += (1 - beta1) * (g - m)                        (m, v start at 0)
 * v += (1 - beta2) * (g * g - v)
 * W -= lr_t * m / (sqrt(v) + 1e-7)
 * </pre>
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.namedParameters(), 0.001);   // beta1 0.9, beta2 0.999
 * }</pre>
 */
public final class Adam extends ParameterOptimizer {
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.999;

  private final double beta1;
  private final double beta2;
  private long t;

  public Adam(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_BETA1, DEFAULT_BETA2);
  }

  public Adam(Map<String, Tensor> parameters, double learningRate, double beta1, double beta2) {
    super("adam", parameters, learningRate);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  /** Steps taken so far. */
  public long steps() {
    return t;
  }

  @Override
  void beforeStep() {
    t++;
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    double lrT = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    DeviceBuffer g = grad.buffer();
    DeviceBuffer m = slot("m", name, parameter);
    DeviceBuffer v = slot("v", name, parameter);
    math.apply(BinaryOp.SUB, g, m, scratch);
    math.addScaled(m, scratch, 1 - beta1, scratch);
    math.apply(BinaryOp.MUL, g, g, scratch);
    math.apply(BinaryOp.SUB, scratch, v, scratch);
    math.addScaled(v, scratch, 1 - beta2, scratch);
    math.divideBySqrtPlusEps(m, v, AdaGrad.EPSILON, scratch);
    math.addScaled(parameter.buffer(), scratch, -lrT, scratch);
  }

  @Override
  Map<String, String> values() {
    return Map.of("t", Long.toString(t));
  }

  @Override
  void loadValues(Map<String, String> values) {
    t = parseCount(values, "t", "adam");
  }

  @Override
  public String toString() {
    return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ")";
  }
}
