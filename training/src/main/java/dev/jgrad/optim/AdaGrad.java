package dev.jgrad.optim;

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
 * W -= lr * g / (sqrt(h) + 1e-7)
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}).
 *
 * <pre>{@code
 * Optimizer opt = new AdaGrad(model.namedParameters(), 0.01);
 * }</pre>
 */
public final class AdaGrad extends ParameterOptimizer {
  /** Keeps the first division finite; the book's value. */
  public static final double EPSILON = 1e-7;

  /** AdaGrad without weight decay. */
  public AdaGrad(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, 0);
  }

  /** AdaGrad with L2 weight decay: {@code g + weightDecay * W} in place of {@code g}. */
  public AdaGrad(Map<String, Tensor> parameters, double learningRate, double weightDecay) {
    super("adagrad", parameters, learningRate, weightDecay);
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
    math.divideBySqrtPlusEps(g, h, EPSILON, scratch);
    subtractRateTimes(parameter.backend(), parameter.buffer(), scratch, math, scratch);
  }
}
