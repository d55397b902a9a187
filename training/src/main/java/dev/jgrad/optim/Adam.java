package dev.jgrad.optim;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The book's {@code Adam} (6.1.6, as its common/optimizer.py writes it): moving averages of the
 * gradient and of its square, with the bias correction folded into the learning rate.
 *
 * <pre>
 * t += 1                                            (per parameter, each time it is updated)
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 * m += (1 - beta1) * (g - m)                        (m, v start at 0)
 * v += (1 - beta2) * (g * g - v)
 * W -= lr_t * m / (sqrt(v) + 1e-7)
 * </pre>
 *
 * With weight decay {@code lambda}, {@code g} is {@code g + lambda * W} (PyTorch's L2
 * {@code weight_decay}); {@link AdamW} is the decoupled decay.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.namedParameters(), 0.001);   // beta1 0.9, beta2 0.999
 * }</pre>
 *
 * <p>Each parameter counts its own updates ({@code t.<name>} in the saved state, as PyTorch keeps
 * {@code state["step"]} per parameter), so that its bias correction matches its own moments; the
 * global count {@code t} of {@link #steps()} is saved too. A state saved before the per-parameter
 * counts existed has only {@code t}, which then stands for every parameter's count.
 */
public final class Adam extends AdamBase {
  /** Adam with the book's betas (0.9, 0.999) and no weight decay. */
  public Adam(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, DEFAULT_BETA1, DEFAULT_BETA2);
  }

  /** Adam with betas in [0, 1) and no weight decay. */
  public Adam(Map<String, Tensor> parameters, double learningRate, double beta1, double beta2) {
    this(parameters, learningRate, beta1, beta2, 0);
  }

  /**
   * Adam with L2 weight decay, {@code g + weightDecay * W} in place of {@code g} (PyTorch's
   * {@code Adam(weight_decay=...)}); {@link AdamW} decouples the decay instead.
   */
  public Adam(Map<String, Tensor> parameters, double learningRate, double beta1, double beta2,
      double weightDecay) {
    super("adam", parameters, learningRate, weightDecay, beta1, beta2);
  }

  /** This step's rate of a parameter updated {@code n} times, this update included. */
  private double rate(long n) {
    return learningRate() * Math.sqrt(1 - Math.pow(beta2, n)) / (1 - Math.pow(beta1, n));
  }

  /** The rate, which FusedAdam reads from the device. */
  @Override
  double[] stepScalars(long n) {
    return new double[] {rate(n)};
  }

  @Override
  Class<?> fusedUpdate() {
    return FusedAdam.class;
  }

  @Override
  void updateAll(Backend backend, List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, DeviceBuffer[] scalars) {
    ((FusedAdam) backend).adamUpdateAll(params, grads, ms, vs, beta1, beta2, AdaGrad.EPSILON,
        scalars[0]);
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer m = slot("m", name, parameter);
    DeviceBuffer v = slot("v", name, parameter);
    if (parameter.backend() instanceof FusedAdam fused) { // one pass instead of twelve, same bits
      fused.adamUpdate(parameter.buffer(), grad.buffer(), m, v, beta1, beta2, AdaGrad.EPSILON,
          stepScalarBuffers(name)[0]);
      return;
    }
    double lrT = rate(count(name));
    math.updateMoments(grad.buffer(), m, v, beta1, beta2, scratch);
    math.divideBySqrtPlusEps(m, v, AdaGrad.EPSILON, scratch);
    math.addScaled(parameter.buffer(), scratch, -lrT, scratch);
  }

  @Override
  public String toString() {
    return describe("beta1=" + beta1 + ", beta2=" + beta2);
  }
}
