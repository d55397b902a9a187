package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Per backend, sets of one-element FLOAT64 buffers for the step's scalars, reused each step. */
  private final Map<Backend, List<DeviceBuffer[]>> scalarBuffers = new HashMap<>();
  /** The buffers each parameter's fused update reads its scalars from, as of the last step. */
  private final Map<String, DeviceBuffer[]> scalarsOf = new HashMap<>();

  AdamBase(String kind, Map<String, Tensor> parameters, double learningRate, double l2Decay,
      double beta1, double beta2) {
    super(kind, parameters, learningRate, l2Decay);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    this.kind = kind;
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  @Override
  public Map<String, Double> settings() {
    return with(with(super.settings(), "beta1", beta1), "beta2", beta2);
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

  /**
   * This step's scalars of the fused update of a parameter updated {@code n} times, this update
   * included, which the update reads from one-element device buffers (Adam's rate; AdamW's decay,
   * bias root and step).
   */
  abstract double[] stepScalars(long n);

  /** The backend capability whose update reads {@link #stepScalars} from the device. */
  abstract Class<?> fusedUpdate();

  /**
   * The fused update of several parameters on {@code backend} (a {@link #fusedUpdate}) in one
   * call, entry {@code i} being {@code params.get(i)} with its gradient and moments, all reading
   * the step scalars {@code scalars}.
   */
  abstract void updateAll(Backend backend, List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, DeviceBuffer[] scalars);

  /**
   * Parameters whose fused updates read one set of step scalars (one backend, equal update
   * counts: every parameter, as a rule) in one call each, {@link #updateAll}: on a GPU a launch
   * per 16 parameters instead of one each (PyTorch's foreach Adam), the same bits. A parameter
   * alone with its set, or on a backend without the fused update, takes {@link #update}. The
   * moments are looked up first, as {@link #update} does, so that a capture before any eager
   * step fails saying so.
   */
  @Override
  final Set<String> updateTogether(Map<String, Tensor> stepped) {
    // sets are arrays made per backend: identity keys, so one set is one backend's
    Map<DeviceBuffer[], List<String>> sharing = new LinkedHashMap<>();
    Map<String, DeviceBuffer[]> moments = new HashMap<>();
    stepped.forEach((name, p) -> {
      if (fusedUpdate().isInstance(p.backend())) {
        moments.put(name, new DeviceBuffer[] {slot("m", name, p), slot("v", name, p)});
        sharing.computeIfAbsent(stepScalarBuffers(name), s -> new ArrayList<>()).add(name);
      }
    });
    Set<String> together = new HashSet<>();
    sharing.forEach((scalars, names) -> {
      if (names.size() < 2) {
        return;
      }
      List<DeviceBuffer> params = new ArrayList<>(names.size());
      List<DeviceBuffer> grads = new ArrayList<>(names.size());
      List<DeviceBuffer> ms = new ArrayList<>(names.size());
      List<DeviceBuffer> vs = new ArrayList<>(names.size());
      for (String name : names) {
        Tensor p = stepped.get(name);
        params.add(p.buffer());
        grads.add(ruleGradient(name, p).buffer());
        ms.add(moments.get(name)[0]);
        vs.add(moments.get(name)[1]);
      }
      updateAll(stepped.get(names.get(0)).backend(), params, grads, ms, vs, scalars);
      together.addAll(names);
    });
    return together;
  }

  /** Counts the step and each stepped parameter's update, then writes the step's scalars. */
  @Override
  final void beforeStep(List<String> stepped) {
    countStep(stepped);
    writeStepScalars(stepped);
  }

  /**
   * The learning rate is in the step scalars (Adam's rate, AdamW's decay), which a captured step
   * reads from the device; where a backend lacks the fused update, {@link #whyNotCapturable}
   * refuses the capture.
   */
  @Override
  public final boolean capturedStepReadsLearningRate() {
    return true;
  }

  /** The host work counts the step: a second use in one capture would count it twice. */
  @Override
  final boolean hostWorkRepeatable() {
    return false;
  }

  /** Counts the step and an update of each of {@code stepped}. */
  private void countStep(List<String> stepped) {
    t++;
    stepped.forEach(name -> steps.merge(name, 1L, Long::sum));
  }

  /**
   * Writes each stepped parameter's scalars into the buffers its fused update reads: one set of
   * buffers per distinct set of values (one, when every parameter has been updated as often),
   * filled on the device, so a captured step's launches each get their own step's values.
   */
  private void writeStepScalars(List<String> stepped) {
    // a parameter not stepped now keeps no buffers: a capture must not find last step's shared
    scalarsOf.keySet().retainAll(stepped);
    Map<List<Object>, DeviceBuffer[]> filled = new HashMap<>();
    Map<Backend, Integer> used = new HashMap<>();
    for (String name : stepped) {
      Backend backend = parameter(name).backend();
      if (!fusedUpdate().isInstance(backend)) {
        continue; // the primitives take the scalars on the host
      }
      double[] values = stepScalars(count(name));
      List<Object> key = List.of(backend, Arrays.stream(values).boxed().toList());
      DeviceBuffer[] buffers = filled.get(key);
      if (buffers == null) {
        buffers = scalarBuffers(backend, used.merge(backend, 1, Integer::sum) - 1, values.length);
        for (int k = 0; k < values.length; k++) {
          backend.fill(buffers[k], values[k]);
        }
        filled.put(key, buffers);
      }
      scalarsOf.put(name, buffers);
    }
  }

  /** The {@code index}-th set of {@code count} scalar buffers on {@code backend}, made if new. */
  private DeviceBuffer[] scalarBuffers(Backend backend, int index, int count) {
    List<DeviceBuffer[]> sets = scalarBuffers.computeIfAbsent(backend, b -> new ArrayList<>());
    if (sets.size() == index) {
      DeviceBuffer[] set = new DeviceBuffer[count];
      for (int k = 0; k < count; k++) {
        set[k] = backend.allocate(DType.FLOAT64, 1);
      }
      sets.add(set);
    }
    return sets.get(index);
  }

  /** The buffers {@code name}'s fused update reads its step's scalars from. */
  final DeviceBuffer[] stepScalarBuffers(String name) {
    DeviceBuffer[] buffers = scalarsOf.get(name);
    if (buffers == null) { // only inside a capture: the last eager step did not update it
      throw new IllegalStateException(kind + "'s step scalars of '" + name + "' are not set up "
          + "(the last step without the graph did not update it), and cannot be set up inside a "
          + "CUDA graph capture; run one step with the same parameters without the graph first, "
          + "then capture");
    }
    return buffers;
  }

  /**
   * Before each launch of a captured step: this launch's scalars of each parameter into the
   * buffers its captured update reads, then the counting. Parameters share buffers when their
   * scalars were equal at the capture; that holds at every launch, as each counts one update per
   * launch, unless the counts were changed in between (a loadState with other counts), when two
   * sharing parameters would need two sets: then the launch is refused before this optimizer
   * counts anything (host work registered before it, such as a Dropout layer's, has run).
   */
  @Override
  Runnable beforeEachLaunch(List<String> stepped) {
    Map<String, DeviceBuffer[]> captured = new HashMap<>(scalarsOf);
    return () -> {
      Map<DeviceBuffer[], double[]> values = new IdentityHashMap<>();
      Map<DeviceBuffer[], String> firstName = new IdentityHashMap<>();
      for (String name : stepped) {
        DeviceBuffer[] buffers = captured.get(name);
        double[] v = stepScalars(count(name) + 1);
        double[] shared = values.putIfAbsent(buffers, v);
        firstName.putIfAbsent(buffers, name);
        if (shared != null && !Arrays.equals(shared, v)) {
          throw new IllegalStateException(kind + ": parameters '" + firstName.get(buffers)
              + "' and '" + name + "' share the step scalars the captured step reads, but their "
              + "update counts, " + count(firstName.get(buffers)) + " and " + count(name)
              + ", no longer give one set (changed since the capture, e.g. by loadState); "
              + "capture the step again");
        }
      }
      countStep(stepped);
      firstName.forEach((buffers, name) -> { // one fill per buffer: one set while counts agree
        Backend backend = parameter(name).backend();
        double[] v = values.get(buffers);
        for (int k = 0; k < v.length; k++) {
          backend.fill(buffers[k], v[k]);
        }
      });
    };
  }

  /**
   * Null where every parameter's backend has the fused update, which reads the step's scalars
   * from the device; the primitives take them on the host, where a graph would replay them.
   */
  @Override
  public final String whyNotCapturable() {
    for (String name : parameterNames()) {
      Backend backend = parameter(name).backend();
      if (!fusedUpdate().isInstance(backend)) {
        return "its bias corrections change every step, and on the " + backend.name()
            + " backend (no " + fusedUpdate().getSimpleName() + ") they are scalars of "
            + "primitive launches, which a graph would replay unchanged";
      }
    }
    return null;
  }

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
