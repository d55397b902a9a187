package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * <pre>{@code
 * Optimizer opt = new Adam(model.namedParameters(), 0.001);   // beta1 0.9, beta2 0.999
 * }</pre>
 *
 * <p>Each parameter counts its own updates ({@code t.<name>} in the saved state, as PyTorch keeps
 * {@code state["step"]} per parameter), so that its bias correction matches its own moments; the
 * global count {@code t} of {@link #steps()} is saved too. A state saved before the per-parameter
 * counts existed has only {@code t}, which then stands for every parameter's count.
 */
public final class Adam extends ParameterOptimizer {
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.999;

  private final double beta1;
  private final double beta2;
  private long t;
  /** Updates per parameter, for its bias correction; absent means none yet. */
  private final Map<String, Long> steps = new HashMap<>();

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
  List<String> slotNames() {
    return List.of("m", "v");
  }

  @Override
  void beforeStep() {
    t++;
  }

  @Override
  void update(String name, Tensor parameter, Tensor grad, InPlace math, DeviceBuffer scratch) {
    long n = steps.merge(name, 1L, Long::sum); // this parameter's t
    double lrT = learningRate * Math.sqrt(1 - Math.pow(beta2, n)) / (1 - Math.pow(beta1, n));
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
    Map<String, String> values = new TreeMap<>();
    values.put("t", Long.toString(t));
    parameterNames().forEach(name -> values.put("t." + name, Long.toString(count(name))));
    return values;
  }

  private long count(String name) {
    return steps.getOrDefault(name, 0L);
  }

  @Override
  void loadValues(Map<String, String> values) {
    long global = parseCount(values, "t", "adam");
    TreeSet<String> unknown = new TreeSet<>(values.keySet());
    unknown.remove("t");
    parameterNames().forEach(name -> unknown.remove("t." + name));
    checkArgument(unknown.isEmpty(), "the saved adam state has counters %s for no parameter;"
        + " parameters are %s", unknown, new TreeSet<>(parameterNames()));
    // Either every parameter has its count or none has (a state saved before they existed,
    // when the global count was every parameter's); some but not all means a damaged state.
    List<String> missing = parameterNames().stream()
        .filter(name -> !values.containsKey("t." + name)).toList();
    boolean legacy = missing.size() == parameterNames().size();
    String first = missing.isEmpty() ? "" : missing.get(0);
    checkArgument(legacy || missing.isEmpty(), "the saved adam state has no step count 't.%s' of"
        + " parameter '%s' though it has others; the state is incomplete: resume from another"
        + " checkpoint or start afresh", first, first);
    Map<String, Long> loaded = new HashMap<>();
    for (String name : parameterNames()) {
      loaded.put(name, legacy ? global : parseCount(values, "t." + name, "adam"));
    }
    t = global;
    steps.clear();
    steps.putAll(loaded);
  }

  @Override
  public String toString() {
    return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ")";
  }
}
