package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.Adadelta} (Zeiler, 2012), the optimizer of PyTorch's MNIST
 * example: each weight's step is the ratio of the running root mean squares of its past steps and
 * of its gradients, so a learning rate of 1.0 (the default) needs no tuning.
 *
 * <pre>
 * v = rho * v + (1 - rho) * g * g                  (v, u start at 0)
 * d = sqrt(u + eps) / sqrt(v + eps) * g
 * u = rho * u + (1 - rho) * d * d
 * W -= lr * d
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's
 * {@code weight_decay}). The state's slots are PyTorch's {@code square_avg} ({@code v}) and
 * {@code acc_delta} ({@code u}).
 *
 * <pre>{@code
 * Optimizer opt = new Adadelta(model.namedParameters(), 1.0);   // rho 0.9, eps 1e-6
 * }</pre>
 */
public final class Adadelta extends ParameterOptimizer {
  /** PyTorch's default decay of the running averages. */
  public static final double DEFAULT_RHO = 0.9;
  /** PyTorch's default term that keeps the square roots above zero. */
  public static final double DEFAULT_EPS = 1e-6;

  private final double rho;
  private final double eps;
  /** Per parameter, a second buffer for the step {@code d}, beside the shared scratch. */
  private final Map<String, DeviceBuffer> steps = new HashMap<>();

  /** PyTorch's defaults: rho 0.9, eps 1e-6, no weight decay; {@code lr} 1.0 is theirs too. */
  public Adadelta(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_RHO, DEFAULT_EPS, 0);
  }

  /**
   * {@code rho} in [0, 1], {@code eps} positive, and L2 weight decay: {@code g + weightDecay * W}
   * in place of {@code g}.
   */
  public Adadelta(Map<String, Tensor> parameters, double learningRate, double rho, double eps,
      double weightDecay) {
    super("adadelta", parameters, learningRate, weightDecay);
    checkArgument(rho >= 0 && rho <= 1, "rho must be in [0, 1], got %s", rho);
    checkArgument(eps > 0 && Double.isFinite(eps), "eps must be positive and finite, got %s", eps);
    this.rho = rho;
    this.eps = eps;
  }

  @Override
  List<String> slotNames() {
    return List.of("square_avg", "acc_delta");
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer g = grad.buffer();
    DeviceBuffer v = slot("square_avg", name, parameter);
    DeviceBuffer u = slot("acc_delta", name, parameter);
    DeviceBuffer d = steps.computeIfAbsent(name,
        n -> parameter.backend().allocate(parameter.dtype(), parameter.size()));
    math.scale(v, rho, v);
    math.apply(BinaryOp.MUL, g, g, scratch);
    math.addScaled(v, scratch, 1 - rho, scratch);
    math.scalar(BinaryOp.ADD, v, eps, scratch); // PyTorch's order: sqrt(u + eps) / std * g
    math.sqrt(scratch, scratch);
    math.scalar(BinaryOp.ADD, u, eps, d);
    math.sqrt(d, d);
    math.apply(BinaryOp.DIV, d, scratch, d);
    math.apply(BinaryOp.MUL, d, g, d);
    math.scale(u, rho, u);
    math.apply(BinaryOp.MUL, d, d, scratch);
    math.addScaled(u, scratch, 1 - rho, scratch);
    subtractRateTimes(parameter.backend(), parameter.buffer(), d, math, scratch);
  }

  @Override
  public Map<String, Double> settings() {
    return with(with(super.settings(), "rho", rho), "eps", eps);
  }

  @Override
  public String toString() {
    return describe("rho=" + rho + ", eps=" + eps);
  }
}
