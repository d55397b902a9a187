package dev.jgrad.optim;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
  /** Buffers of one FLOAT64 rate each, reused every step (see {@link #afterCounting}). */
  private final Map<Backend, List<DeviceBuffer>> rateBuffers = new HashMap<>();
  /** The buffer each parameter's fused update reads its rate from, as of the last step. */
  private final Map<String, DeviceBuffer> rateOf = new HashMap<>();

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

  /**
   * Writes each stepped parameter's rate into the buffer its fused update reads: one buffer per
   * distinct rate (one, when every parameter has been updated as often), filled on the device, so
   * a captured step's launches each get their own step's rates (see {@link FusedAdam}).
   */
  @Override
  void afterCounting(List<String> stepped) {
    Map<List<Object>, DeviceBuffer> filled = new HashMap<>();
    Map<Backend, Integer> used = new HashMap<>();
    for (String name : stepped) {
      Backend backend = parameter(name).backend();
      if (!(backend instanceof FusedAdam)) {
        continue; // the primitives take the rate as a scalar
      }
      double rate = rate(count(name));
      List<Object> key = List.of(backend, rate);
      DeviceBuffer buffer = filled.get(key);
      if (buffer == null) {
        buffer = rateBuffer(backend, used.merge(backend, 1, Integer::sum) - 1);
        backend.fill(buffer, rate);
        filled.put(key, buffer);
      }
      rateOf.put(name, buffer);
    }
  }

  /** The {@code index}-th rate buffer on {@code backend}, made if it is not there yet. */
  private DeviceBuffer rateBuffer(Backend backend, int index) {
    List<DeviceBuffer> buffers = rateBuffers.computeIfAbsent(backend, b -> new ArrayList<>());
    if (buffers.size() == index) {
      buffers.add(backend.allocate(DType.FLOAT64, 1));
    }
    return buffers.get(index);
  }

  /**
   * Before each launch of a captured step: this launch's rate of each parameter into the buffer
   * its captured update reads, then the counting. Parameters share a buffer when their rates were
   * equal at the capture; that holds at every launch, as each counts one update per launch,
   * unless the counts were changed in between (a loadState with other counts), when two sharing
   * parameters would need two rates: then the launch is refused, before anything changes.
   */
  @Override
  Runnable beforeEachLaunch(List<String> stepped) {
    Map<String, DeviceBuffer> captured = new HashMap<>(rateOf);
    return () -> {
      Map<DeviceBuffer, Double> rates = new IdentityHashMap<>();
      Map<DeviceBuffer, String> firstName = new IdentityHashMap<>();
      for (String name : stepped) {
        DeviceBuffer buffer = captured.get(name);
        double rate = rate(count(name) + 1);
        Double shared = rates.putIfAbsent(buffer, rate);
        firstName.putIfAbsent(buffer, name);
        if (shared != null && shared != rate) {
          throw new IllegalStateException("adam: parameters '" + firstName.get(buffer) + "' and '"
              + name + "' share the rate the captured step reads, but their update counts, "
              + count(firstName.get(buffer)) + " and " + count(name) + ", no longer give one "
              + "rate (changed since the capture, e.g. by loadState); capture the step again");
        }
      }
      countStep(stepped);
      firstName.forEach((buffer, name) -> parameter(name).backend().fill(buffer,
          rates.get(buffer))); // one fill per buffer: one a step while all counts agree
    };
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    DeviceBuffer m = slot("m", name, parameter);
    DeviceBuffer v = slot("v", name, parameter);
    if (parameter.backend() instanceof FusedAdam fused) { // one pass instead of twelve, same bits
      DeviceBuffer rate = rateOf.get(name);
      if (rate == null) { // only inside a capture: before any step of this parameter
        throw new IllegalStateException("adam's rate of '" + name + "' does not exist yet, and "
            + "cannot be created inside a CUDA graph capture; run one step without the graph "
            + "first, then capture");
      }
      fused.adamUpdate(parameter.buffer(), grad.buffer(), m, v, beta1, beta2, AdaGrad.EPSILON,
          rate);
      return;
    }
    double lrT = rate(count(name));
    math.updateMoments(grad.buffer(), m, v, beta1, beta2, scratch);
    math.divideBySqrtPlusEps(m, v, AdaGrad.EPSILON, scratch);
    math.addScaled(parameter.buffer(), scratch, -lrT, scratch);
  }

  /**
   * Null where every parameter's backend has {@link FusedAdam}, whose update reads the rate from
   * the device; the primitives take it as a scalar, which a graph would replay unchanged.
   */
  @Override
  public String whyNotCapturable() {
    for (String name : parameterNames()) {
      Backend backend = parameter(name).backend();
      if (!(backend instanceof FusedAdam)) {
        return "its rate changes every step, and on the " + backend.name() + " backend (no "
            + "FusedAdam) it is a scalar of primitive launches, which a graph would replay "
            + "unchanged";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return describe("beta1=" + beta1 + ", beta2=" + beta2);
  }
}
