package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The book's {@code Momentum} (6.1.4): a velocity that gradients accelerate and friction slows.
 *
 * <pre>
 * v = momentum * v - lr * g     (v starts at 0)
 * W += v
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}).
 *
 * <pre>{@code
 * Optimizer opt = new Momentum(model.namedParameters(), 0.01);   // momentum 0.9
 * }</pre>
 */
public final class Momentum extends ParameterOptimizer {
  /** The book's default. */
  public static final double DEFAULT_MOMENTUM = 0.9;

  private final double momentum;

  /** Momentum {@value #DEFAULT_MOMENTUM}, no weight decay. */
  public Momentum(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_MOMENTUM);
  }

  /** Momentum in [0, 1), no weight decay. */
  public Momentum(Map<String, Tensor> parameters, double learningRate, double momentum) {
    this(parameters, learningRate, momentum, 0);
  }

  /**
   * Momentum in [0, 1) with L2 weight decay: {@code g + weightDecay * W} in place of {@code g}.
   */
  public Momentum(Map<String, Tensor> parameters, double learningRate, double momentum,
      double weightDecay) {
    super("momentum", parameters, learningRate, weightDecay);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    this.momentum = momentum;
  }

  @Override
  List<String> slotNames() {
    return List.of("v");
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer v = slot("v", name, parameter);
    math.scale(v, momentum, v);
    subtractRateTimes(parameter.backend(), v, grad.buffer(), math, scratch);
    math.apply(BinaryOp.ADD, parameter.buffer(), v, parameter.buffer());
  }

  @Override
  public Map<String, Double> settings() {
    return with(super.settings(), "momentum", momentum);
  }

  @Override
  public String toString() {
    return describe("momentum=" + momentum);
  }
}
