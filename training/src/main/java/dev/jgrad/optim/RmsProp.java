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
 * W -= lr * g / (sqrt(h) + 1e-7)
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}).
 *
 * <pre>{@code
 * Optimizer opt = new RmsProp(model.namedParameters(), 0.01);   // decay 0.99
 * }</pre>
 */
public final class RmsProp extends ParameterOptimizer {
  /** The book's default decay rate. */
  public static final double DEFAULT_DECAY = 0.99;

  private final double decay;

  /** Decay rate {@value #DEFAULT_DECAY}, no weight decay. */
  public RmsProp(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_DECAY);
  }

  /** Decay rate in [0, 1), no weight decay. */
  public RmsProp(Map<String, Tensor> parameters, double learningRate, double decay) {
    this(parameters, learningRate, decay, 0);
  }

  /**
   * Decay rate in [0, 1) with L2 weight decay: {@code g + weightDecay * W} in place of {@code g}.
   */
  public RmsProp(Map<String, Tensor> parameters, double learningRate, double decay,
      double weightDecay) {
    super("rmsprop", parameters, learningRate, weightDecay);
    checkArgument(decay >= 0 && decay < 1, "decay must be in [0, 1), got %s", decay);
    this.decay = decay;
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
    math.divideBySqrtPlusEps(g, h, AdaGrad.EPSILON, scratch);
    subtractRateTimes(parameter.backend(), parameter.buffer(), scratch, math, scratch);
  }

  @Override
  public String toString() {
    return describe("decay=" + decay);
  }
}
