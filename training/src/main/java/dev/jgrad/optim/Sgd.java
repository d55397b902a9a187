package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedProductSgd;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent, the book's {@code SGD} ({@code W -= lr * g}), with optional
 * momentum and weight decay as in PyTorch's {@code torch.optim.SGD}:
 *
 * <pre>
 * g' = g + weightDecay * W
 * v  = momentum * v + g'        (v starts at 0, so the first v is g')
 * W -= lr * v                   (or W -= lr * g' without momentum)
 * </pre>
 *
 * Weight decay is the gradient of the book's L2 penalty {@code 0.5 * lambda * sum(W^2)}; SGD
 * applies it itself (not through its base class) so that a backend's fused update, which takes
 * the decay, does it in the same single pass. With a
 * constant learning rate, momentum here takes the same steps as the book's {@link Momentum}.
 *
 * <pre>{@code
 * Optimizer opt = new Sgd(model.namedParameters(), 0.1);
 * Optimizer withMomentum = new Sgd(model.namedParameters(), 0.01, 0.9, 1e-4);
 * }</pre>
 */
public final class Sgd extends ParameterOptimizer {
  private final double momentum;
  private final double weightDecay;

  /** Plain SGD: {@code W -= lr * g}. */
  public Sgd(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, 0, 0);
  }

  /** SGD with momentum in [0, 1) (0: none) and L2 weight decay at least 0 (0: none). */
  public Sgd(Map<String, Tensor> parameters, double learningRate, double momentum,
      double weightDecay) {
    super("sgd", parameters, learningRate);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    checkWeightDecay(weightDecay);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  @Override
  List<String> slotNames() {
    return momentum != 0 ? List.of("v") : List.of();
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer w = parameter.buffer();
    DeviceBuffer g = grad.buffer();
    if (parameter.backend() instanceof FusedSgd fused) { // one pass instead of two or three
      DeviceBuffer v = momentum != 0 ? slot("v", name, parameter) : null;
      fused.sgdUpdate(w, g, v, rateOn(parameter.backend()), momentum, weightDecay);
      return;
    }
    if (weightDecay != 0) {
      math.scale(w, weightDecay, scratch);
      math.apply(BinaryOp.ADD, scratch, g, scratch);
      g = scratch;
    }
    if (momentum != 0) {
      DeviceBuffer v = slot("v", name, parameter);
      math.scale(v, momentum, v);
      math.apply(BinaryOp.ADD, v, g, v);
      g = v;
    }
    math.addScaled(w, g, -learningRate(), scratch);
  }

  /**
   * On a backend that fuses SGD, all parameters in one call ({@link FusedSgd#sgdUpdateAll}: one
   * kernel launch per dtype on a GPU instead of one per parameter), when they share its backend.
   */
  @Override
  Set<String> updateTogether(Map<String, Tensor> stepped) {
    Tensor first = stepped.values().iterator().next();
    if (stepped.size() < 2 || !(first.backend() instanceof FusedSgd fused)) {
      return Set.of();
    }
    for (Tensor p : stepped.values()) {
      if (p.backend() != first.backend()) {
        return Set.of(); // one call per backend
      }
    }
    List<DeviceBuffer> params = new ArrayList<>(stepped.size());
    List<DeviceBuffer> grads = new ArrayList<>(stepped.size());
    List<DeviceBuffer> velocities = momentum != 0 ? new ArrayList<>(stepped.size()) : null;
    stepped.forEach((name, p) -> {
      params.add(p.buffer());
      grads.add(p.grad().buffer());
      if (velocities != null) {
        velocities.add(slot("v", name, p));
      }
    });
    fused.sgdUpdateAll(params, grads, velocities, rateOn(first.backend()), momentum,
        weightDecay);
    return stepped.keySet();
  }

  /**
   * On a backend that fuses it, the update inside the weight gradient's product; not while a
   * graph is captured, where the product's rate would be a replayed scalar.
   */
  @Override
  GradientSink sink(String name, Tensor parameter) {
    if (!(parameter.backend() instanceof FusedProductSgd fused)
        || parameter.backend() instanceof GraphCapture g && g.isCapturing()) {
      return null;
    }
    return (a, transA, b, transB, m, n, k) -> {
      DeviceBuffer v = momentum != 0 ? slot("v", name, parameter) : null;
      if (!fused.sgdUpdateFromProduct(a, transA, b, transB, m, n, k, parameter.buffer(), v,
          learningRate(), momentum, weightDecay)) {
        return false;
      }
      parameter.markChangedInPlace(); // as step() marks it
      return true;
    };
  }

  @Override
  public Map<String, Double> settings() {
    return with(with(Map.of(), "momentum", momentum), "weightDecay", weightDecay);
  }

  @Override
  public String toString() {
    return "sgd(lr=" + learningRate() + ", momentum=" + momentum + ", weightDecay=" + weightDecay
        + ")";
  }
}
