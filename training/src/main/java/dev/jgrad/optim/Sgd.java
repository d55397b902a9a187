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
 * W -= lr * (g' + momentum * v)  (instead, with nesterov: PyTorch's nesterov=True)
 * </pre>
 *
 * Weight decay is the gradient of the book's L2 penalty {@code 0.5 * lambda * sum(W^2)}; SGD
 * applies it itself (not through its base class) so that a backend's fused update, which takes
 * the decay, does it in the same single pass. With a
 * constant learning rate, momentum here takes the same steps as the book's {@link Momentum}.
 *
 * <p>Nesterov momentum ({@code new Sgd(params, lr, momentum, weightDecay, true)}) is PyTorch's
 * formulation (the book's {@code Nesterov} class, common/optimizer.py, writes the idea in another
 * form, whose steps are not these number for number). It is composed of the backend's primitives on every backend (no fused kernel takes it:
 * the fused paths are skipped), {@code W -= lr * g'} then {@code W -= lr * (momentum * v)}, each
 * subtraction reading the rate as the fused updates do (so a captured step follows a schedule);
 * the two roundings put it within an ulp or so of PyTorch's single one. Its velocity {@code v} is
 * saved as momentum's, with the flag, so a resumed run goes on with Nesterov's steps and a
 * plain SGD refuses its state.
 *
 * <pre>{@code
 * Optimizer opt = new Sgd(model.namedParameters(), 0.1);
 * Optimizer withMomentum = new Sgd(model.namedParameters(), 0.01, 0.9, 1e-4);
 * Optimizer nesterov = new Sgd(model.namedParameters(), 0.01, 0.9, 1e-4, true);
 * }</pre>
 */
public final class Sgd extends ParameterOptimizer {
  private final double momentum;
  private final double weightDecay;
  private final boolean nesterov;
  /** The state counter that marks a Nesterov SGD's state. */
  private static final String NESTEROV = "nesterov";

  /** Plain SGD: {@code W -= lr * g}. */
  public Sgd(Map<String, Tensor> parameters, double learningRate) {
    this(parameters, learningRate, 0, 0);
  }

  /** SGD with momentum in [0, 1) (0: none) and L2 weight decay at least 0 (0: none). */
  public Sgd(Map<String, Tensor> parameters, double learningRate, double momentum,
      double weightDecay) {
    this(parameters, learningRate, momentum, weightDecay, false);
  }

  /**
   * SGD with momentum in [0, 1), L2 weight decay at least 0, and Nesterov's momentum if
   * {@code nesterov} (which needs a momentum above 0, as PyTorch's).
   */
  public Sgd(Map<String, Tensor> parameters, double learningRate, double momentum,
      double weightDecay, boolean nesterov) {
    super("sgd", parameters, learningRate);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    checkArgument(!nesterov || momentum > 0, "Nesterov momentum needs a momentum in (0, 1), got "
        + "%s; pass e.g. 0.9, or nesterov false", momentum);
    checkWeightDecay(weightDecay);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
  }

  @Override
  List<String> slotNames() {
    return momentum != 0 ? List.of("v") : List.of();
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer w = parameter.buffer();
    DeviceBuffer g = grad.buffer();
    if (nesterov) {
      nesterovUpdate(name, parameter, g, math, scratch);
      return;
    }
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
   * PyTorch's {@code nesterov=True}: {@code g' = g + wd W; v = momentum v + g';
   * W -= lr (g' + momentum v)}, the last as two subtractions through {@code scratch}.
   */
  private void nesterovUpdate(String name, Tensor parameter, DeviceBuffer g, InPlace math,
      DeviceBuffer scratch) {
    DeviceBuffer w = parameter.buffer();
    if (weightDecay != 0) {
      math.scale(w, weightDecay, scratch);
      math.apply(BinaryOp.ADD, g, scratch, scratch);
      g = scratch;
    }
    DeviceBuffer v = slot("v", name, parameter);
    math.scale(v, momentum, v);
    math.apply(BinaryOp.ADD, v, g, v);
    subtractRateTimes(parameter.backend(), w, g, math, scratch);
    math.scale(v, momentum, scratch);
    subtractRateTimes(parameter.backend(), w, scratch, math, scratch);
  }

  /**
   * On a backend that fuses SGD, all parameters in one call ({@link FusedSgd#sgdUpdateAll}: one
   * kernel launch per dtype on a GPU instead of one per parameter), when they share its backend.
   */
  @Override
  Set<String> updateTogether(Map<String, Tensor> stepped) {
    Tensor first = stepped.values().iterator().next();
    if (nesterov || stepped.size() < 2 || !(first.backend() instanceof FusedSgd fused)) {
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
    if (nesterov || !(parameter.backend() instanceof FusedProductSgd fused)
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

  /** A Nesterov SGD's state says so; a plain one's keeps no counter, as before. */
  @Override
  Map<String, String> values() {
    return nesterov ? Map.of(NESTEROV, "true") : Map.of();
  }

  @Override
  void loadValues(Map<String, String> values) {
    if (!nesterov) {
      checkArgument(!values.containsKey(NESTEROV), "the saved sgd state is of Nesterov momentum;"
          + " resume with new Sgd(params, lr, momentum, weightDecay, true), the optimizer that"
          + " saved it");
      super.loadValues(values);
      return;
    }
    checkArgument(values.equals(Map.of(NESTEROV, "true")), "the saved sgd state %s is not of "
        + "Nesterov momentum; resume with the optimizer that saved it (nesterov false)", values);
  }

  @Override
  public Map<String, Double> settings() {
    return with(with(Map.of(), "momentum", momentum), "weightDecay", weightDecay);
  }

  @Override
  public String toString() {
    return "sgd(lr=" + learningRate() + ", momentum=" + momentum + ", weightDecay=" + weightDecay
        + (nesterov ? ", nesterov" : "") + ")";
  }
}
