package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@link Adam} and {@link AdamW} share: the moving averages {@code m} and {@code v} and the
 * step counts, the global {@code t} and each parameter's own {@code t.<name>} (as PyTorch keeps
 * {@code state["step"]} per parameter), so that a parameter's bias correction matches its own
 * moments. A state saved before the per-parameter counts existed has only {@code t}, which then
 * stands for every parameter's count.
 */
abstract class AdamBase extends ParameterOptimizer {
  /** Decay of the first moment (the gradient's running mean): the book's and PyTorch's. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** Decay of the second moment (the squared gradient's running mean): the book's and PyTorch's. */
  public static final double DEFAULT_BETA2 = 0.999;

  final double beta1;
  final double beta2;
  private final String kind;
  private long t;
  /** Updates per parameter; absent means none yet. */
  private final Map<String, Long> steps = new HashMap<>();

  AdamBase(String kind, Map<String, Tensor> parameters, double learningRate, double l2Decay,
      double beta1, double beta2) {
    super(kind, parameters, learningRate, l2Decay);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    this.kind = kind;
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  /** Steps taken so far. */
  public final long steps() {
    return t;
  }

  /** How many updates of {@code name} there have been, this step's included once counted. */
  final long count(String name) {
    return steps.getOrDefault(name, 0L);
  }

  @Override
  final List<String> slotNames() {
    return List.of("m", "v");
  }

  /** Counts the step and each stepped parameter's update, then {@link #afterCounting}. */
  @Override
  final void beforeStep(List<String> stepped) {
    countStep(stepped);
    afterCounting(stepped);
  }

  /** Counts the step and an update of each of {@code stepped}. */
  final void countStep(List<String> stepped) {
    t++;
    stepped.forEach(name -> steps.merge(name, 1L, Long::sum));
  }

  /** Host work of the step once the counts are this step's (Adam writes its rates). */
  void afterCounting(List<String> stepped) {}

  @Override
  final Map<String, String> values() {
    Map<String, String> values = new TreeMap<>();
    values.put("t", Long.toString(t));
    parameterNames().forEach(name ->
        values.put("t." + name, Long.toString(steps.getOrDefault(name, 0L))));
    return values;
  }

  @Override
  final void loadValues(Map<String, String> values) {
    long global = parseCount(values, "t", kind);
    TreeSet<String> unknown = new TreeSet<>(values.keySet());
    unknown.remove("t");
    parameterNames().forEach(name -> unknown.remove("t." + name));
    checkArgument(unknown.isEmpty(), "the saved %s state has counters %s for no parameter;"
        + " parameters are %s", kind, unknown, new TreeSet<>(parameterNames()));
    // Either every parameter has its count or none has (a state saved before they existed,
    // when the global count was every parameter's); some but not all means a damaged state.
    List<String> missing = parameterNames().stream()
        .filter(name -> !values.containsKey("t." + name)).toList();
    boolean legacy = missing.size() == parameterNames().size();
    String first = missing.isEmpty() ? "" : missing.get(0);
    checkArgument(legacy || missing.isEmpty(), "the saved %s state has no step count 't.%s' of"
        + " parameter '%s' though it has others; the state is incomplete: resume from another"
        + " checkpoint or start afresh", kind, first, first);
    Map<String, Long> loaded = new HashMap<>();
    for (String name : parameterNames()) {
      loaded.put(name, legacy ? global : parseCount(values, "t." + name, kind));
    }
    t = global;
    steps.clear();
    steps.putAll(loaded);
  }
}
