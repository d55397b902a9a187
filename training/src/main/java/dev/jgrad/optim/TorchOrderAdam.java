package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What {@link AdamW} and {@link TorchAdam} share: Adam in PyTorch's order of operations, eps
 * added to the bias-corrected root (unlike the book's {@link Adam}), through {@link FusedAdamW}.
 * AdamW shrinks the weights apart from the step (decoupled decay); TorchAdam adds
 * {@code lambda * W} to the gradient (L2, {@link ParameterOptimizer}'s), its decoupled decay 0.
 *
 * <pre>
 * t += 1                                            (per parameter, as in {@link Adam})
 * W *= 1 - lr * decoupledDecay                      (skipped when 0)
 * m += (1 - beta1) * (g - m)                        (m, v start at 0)
 * v += (1 - beta2) * (g * g - v)
 * W -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
abstract class TorchOrderAdam extends AdamBase {
  /** PyTorch's default epsilon, added to the root of the second moment. */
  public static final double DEFAULT_EPSILON = 1e-8;

  final double eps;
  private final double decoupledDecay;

  TorchOrderAdam(String kind, Map<String, Tensor> parameters, double learningRate, double l2Decay,
      double beta1, double beta2, double eps, double decoupledDecay) {
    super(kind, parameters, learningRate, l2Decay, beta1, beta2);
    checkArgument(eps > 0 && Double.isFinite(eps), "eps must be positive and finite, got %s", eps);
    checkWeightDecay(decoupledDecay);
    this.eps = eps;
    this.decoupledDecay = decoupledDecay;
  }

  @Override
  public Map<String, Double> settings() {
    return with(super.settings(), "eps", eps);
  }

  /** The decoupled decay (1 without), the bias root and the step, which FusedAdamW reads. */
  @Override
  final double[] stepScalars(long n) {
    return new double[] {1 - learningRate() * decoupledDecay, Math.sqrt(1 - Math.pow(beta2, n)),
        -learningRate() / (1 - Math.pow(beta1, n))};
  }

  @Override
  final Class<?> fusedUpdate() {
    return FusedAdamW.class;
  }

  @Override
  final void updateAll(Backend backend, List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, DeviceBuffer[] scalars) {
    ((FusedAdamW) backend).adamwUpdateAll(params, grads, ms, vs, beta1, beta2, eps, scalars[0],
        scalars[1], scalars[2]);
  }

  @Override
  final void update(String name, Tensor parameter, Tensor grad, InPlace math,
      DeviceBuffer scratch) {
    DeviceBuffer w = parameter.buffer();
    DeviceBuffer m = slot("m", name, parameter);
    DeviceBuffer v = slot("v", name, parameter);
    if (parameter.backend() instanceof FusedAdamW fused) { // one pass instead of 14, same bits
      DeviceBuffer[] scalars = stepScalarBuffers(name);
      fused.adamwUpdate(w, grad.buffer(), m, v, beta1, beta2, eps, scalars[0], scalars[1],
          scalars[2]);
      return;
    }
    double[] scalars = stepScalars(count(name)); // this parameter's t
    if (decoupledDecay != 0) {
      math.scale(w, scalars[0], w);
    }
    math.updateMoments(grad.buffer(), m, v, beta1, beta2, scratch);
    // PyTorch's order of operations: denom = sqrt(v) / sqrt(1 - beta2^t) + eps
    math.sqrtDividedPlusEps(v, scalars[1], eps, scratch);
    math.apply(BinaryOp.DIV, m, scratch, scratch);
    math.addScaled(w, scratch, scalars[2], scratch);
  }

}
