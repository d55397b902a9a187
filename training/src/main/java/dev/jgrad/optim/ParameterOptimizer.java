package dev.jgrad.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every optimizer here shares: the named parameters, per-parameter state tensors ("slots",
 * e.g. momentum) created as zeros on first use, a scratch buffer per parameter reused every step,
 * the learning rate (changeable between steps, e.g. by a schedule), L2
 * weight decay added to the gradient before the update rule sees it, and saving and restoring
 * the state. Subclasses write only the update rule.
 */
abstract class ParameterOptimizer implements Optimizer {
  private final String kind;
  private final Map<String, Tensor> parameters;
  /** Names of tensors listed before under another name: not stepped or saved again. */
  private final Set<String> aliases;
  private final Map<String, Tensor> slots = new LinkedHashMap<>();
  private final Map<String, DeviceBuffer> scratch = new HashMap<>();
  private final Map<String, InPlace> math = new HashMap<>();
  /** Per parameter, {@code g + l2Decay * W}, when {@link #l2Decay} is not 0. */
  private final Map<String, Tensor> decayedGrads = new HashMap<>();
  private final double l2Decay;
  private double learningRate;
  /** The rate where the updates read it from the device ({@link #subtractRateTimes}). */
  private final DeviceRate deviceRate;

  /** An optimizer without L2 decay, or one that applies its decay itself. */
  ParameterOptimizer(String kind, Map<String, Tensor> parameters, double learningRate) {
    this(kind, parameters, learningRate, 0);
  }

  /**
   * An optimizer whose update rule sees {@code g + l2Decay * W} in place of the gradient
   * {@code g}, as PyTorch's {@code weight_decay} does for its optimizers other than AdamW: the
   * gradient of the penalty {@code 0.5 * l2Decay * sum(W^2)}.
   */
  ParameterOptimizer(String kind, Map<String, Tensor> parameters, double learningRate,
      double l2Decay) {
    checkNotNull(parameters, "parameters is null; pass model.namedParameters()");
    checkArgument(!parameters.isEmpty(), "no parameters to optimize; pass model.namedParameters()");
    checkLearningRate(learningRate);
    checkWeightDecay(l2Decay);
    // a frozen parameter (requiresGrad(false)) is accepted and skipped while frozen, as PyTorch
    // steps only parameters with a gradient: unfrozen later, it trains
    parameters.forEach((name, p) -> checkArgument(p.isLeaf(), "parameter '%s' was computed by an"
        + " op; optimize leaf tensors (register them in a Module)", name));
    parameters.forEach((name, p) -> checkArgument(p.dtype().isFloatingPoint(), "parameter '%s'"
        + " is %s; optimizers update FLOAT32 or FLOAT64 tensors", name, p.dtype()));
    parameters.forEach((name, p) -> checkArgument(p.isContiguous(), "parameter '%s' %s is a "
        + "non-contiguous view, which an in-place update cannot write; optimize the tensor it "
        + "views, or a contiguous() copy", name, p.spec()));
    // A tensor listed twice (a layer used twice) is one parameter, stepped once, under its first
    // name, as in PyTorch; its other names are aliases.
    Map<String, Tensor> once = new LinkedHashMap<>();
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<String> aliasNames = new TreeSet<>();
    parameters.forEach((name, p) -> {
      if (seen.add(p)) {
        once.put(name, p);
      } else {
        aliasNames.add(name);
      }
    });
    this.kind = kind;
    this.parameters = Collections.unmodifiableMap(once);
    this.aliases = Collections.unmodifiableSet(aliasNames);
    this.learningRate = learningRate;
    this.l2Decay = l2Decay;
    this.deviceRate = new DeviceRate(kind, this::learningRate);
  }

  private static void checkLearningRate(double learningRate) {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate),
        "learning rate must be positive and finite, got %s", learningRate);
  }

  static void checkWeightDecay(double weightDecay) {
    checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay),
        "weight decay must be >= 0 and finite, got %s", weightDecay);
  }

  /**
   * Updates {@code parameter} (named {@code name}) in place from its gradient, using
   * {@code scratch}, a buffer of the parameter's size, for temporaries.
   */
  abstract void update(String name, Tensor parameter, Tensor grad, InPlace math,
      DeviceBuffer scratch);

  /**
   * The slots every parameter has, e.g. {@code [m, v]} for Adam; a saved state must hold each of
   * them for each parameter, so that no moment silently restarts at zero on resume.
   */
  abstract List<String> slotNames();

  /** The parameters' names, in registration order. */
  final Set<String> parameterNames() {
    return parameters.keySet();
  }

  /** The parameter named {@code name}. */
  final Tensor parameter(String name) {
    return parameters.get(name);
  }

  /**
   * The host part of a step, before the updates of {@code stepped} (the names of the parameters
   * with a gradient, in registration order): counters, and the step's changing scalars written
   * into the device buffers the updates read (by default the learning rate, for
   * {@link #subtractRateTimes}). It must only queue device work. While the step is being
   * captured into a graph it runs before each launch instead ({@link #beforeEachLaunch}), so
   * that every replay is a step of its own.
   */
  void beforeStep(List<String> stepped) {
    stepped.forEach(name -> deviceRate.fill(parameter(name).backend()));
  }

  /**
   * What runs before each launch of a graph that captured a step of {@code stepped}, or null for
   * nothing. Called during the capture, before the updates are recorded. By default the
   * learning rate is refilled where it changed (a schedule's), where an update reads it; the
   * capture fails here, before any update, where no uncaptured step has filled it yet.
   */
  Runnable beforeEachLaunch(List<String> stepped) {
    for (String name : stepped) {
      if (parameter(name).backend() instanceof FusedSgd) {
        rateOn(parameter(name).backend());
      }
    }
    return deviceRate.refill();
  }

  /**
   * Whether {@link #beforeEachLaunch}'s host work may run more than once before one launch (it
   * writes the same values for every use of this optimizer in the step), so the optimizer may be
   * stepped twice in one captured step. True for the default's rate; an optimizer whose host
   * work counts steps says false, and its second use in one capture is refused.
   */
  boolean hostWorkRepeatable() {
    return true;
  }

  /**
   * Where every parameter's backend fuses SGD ({@link FusedSgd}), the default updates read the
   * rate from the device at each launch (its {@code subtractRateTimes}).
   */
  @Override
  public boolean capturedStepReadsLearningRate() {
    for (String name : parameterNames()) {
      if (!(parameter(name).backend() instanceof FusedSgd)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code target -= lr * x} on {@code backend}, all buffers of one shape: one pass that reads
   * the rate from the device where the backend fuses SGD ({@link FusedSgd}), so a captured step
   * follows a changing rate; elsewhere two passes with the rate as a scalar. The same bits either
   * way for a finite target ({@code target + (-lr) * x}, each operation rounded to the type); an
   * infinite one becomes NaN in the fused pass (its decay term {@code 0 * target}), where the
   * scalar passes keep it: training had diverged either way.
   */
  final void subtractRateTimes(Backend backend, DeviceBuffer target, DeviceBuffer x, InPlace math,
      DeviceBuffer scratch) {
    if (backend instanceof FusedSgd fused) {
      fused.sgdUpdate(target, x, null, rateOn(backend), 0, 0);
    } else {
      math.addScaled(target, x, -learningRate, scratch);
    }
  }

  /** The buffer {@code backend}'s fused updates read the learning rate from. */
  final DeviceBuffer rateOn(Backend backend) {
    return deviceRate.on(backend);
  }

  /** These optimizers' steps use the same scalars every step, unless a subclass says otherwise. */
  @Override
  public String whyNotCapturable() {
    return null;
  }

  /** The parameters' backend that is recording work into a graph now, or null. */
  private GraphCapture capturing() {
    for (Tensor p : parameters.values()) {
      if (p.backend() instanceof GraphCapture g && g.isCapturing()) {
        return g;
      }
    }
    return null;
  }

  @Override
  public final void step() {
    String notCapturable = whyNotCapturable();
    GraphCapture capture = capturing();
    if (notCapturable != null && capture != null) { // before any state changes: no step ran
      throw new IllegalStateException(kind + " cannot be captured into a CUDA graph: "
          + notCapturable + "; train it without a graph (captureSteps off)");
    }
    try (NoGrad ignored = NoGrad.scope()) {
      Map<String, Tensor> stepped = new LinkedHashMap<>();
      parameters.forEach((name, p) -> {
        if (p.grad() != null && p.requiresGrad()) { // frozen: left alone, decay included
          stepped.put(name, p);
        }
      });
      List<String> names = List.copyOf(stepped.keySet());
      if (capture != null) { // a capture runs nothing: each launch is the step, counters too
        Runnable hostWork = beforeEachLaunch(names);
        if (hostWork != null) { // a repeatable one is registered once per use, not per optimizer
          capture.beforeEachLaunch(hostWorkRepeatable() ? new Object() : this, hostWork);
        }
      } else {
        beforeStep(names);
      }
      if (stepped.isEmpty()) {
        return;
      }
      Map<String, Tensor> batchable = withOwnBuffers(stepped);
      Set<String> together = batchable.size() < 2 ? Set.of() : updateTogether(batchable);
      stepped.forEach((name, p) -> {
        if (!together.contains(name)) {
          DeviceBuffer s = scratch.computeIfAbsent(name,
              n -> p.backend().allocate(p.dtype(), p.size()));
          update(name, p, ruleGradient(name, p), mathOf(name, p), s);
        }
        // a graph that used the old values must not backward now: each marked once changed
        p.markChangedInPlace();
      });
    }
  }

  /**
   * The parameters of {@code stepped} whose buffer no other of them shares (two leaves over one
   * buffer: a batch call refuses them, as it would write the buffer twice; they take
   * {@link #update} one after the other, as they always did).
   */
  private static Map<String, Tensor> withOwnBuffers(Map<String, Tensor> stepped) {
    Map<DeviceBuffer, Integer> uses = new IdentityHashMap<>();
    stepped.values().forEach(p -> uses.merge(p.buffer(), 1, Integer::sum));
    Map<String, Tensor> own = new LinkedHashMap<>();
    stepped.forEach((name, p) -> {
      if (uses.get(p.buffer()) == 1) {
        own.put(name, p);
      }
    });
    return own;
  }

  /**
   * Updates some or all parameters of {@code stepped} (name to parameter, each with a gradient,
   * in registration order) in batch backend calls, and returns their names; {@link #update} then
   * runs for each of the others. The same bits either way. By default none.
   */
  Set<String> updateTogether(Map<String, Tensor> stepped) {
    return Set.of();
  }

  /**
   * The gradient the update rule sees for {@code parameter}: {@code g + l2Decay * W} where there
   * is L2 decay, else the gradient itself.
   */
  final Tensor ruleGradient(String name, Tensor parameter) {
    Tensor g = parameter.grad();
    return l2Decay != 0 ? withL2Decay(name, parameter, g, mathOf(name, parameter)) : g;
  }

  private InPlace mathOf(String name, Tensor parameter) {
    return math.computeIfAbsent(name, n -> new InPlace(parameter.backend(), parameter.shape()));
  }

  @Override
  public final void backwardStep(Tensor loss) {
    Map<Tensor, GradientSink> sinks = new IdentityHashMap<>();
    if (l2Decay == 0) { // the decay is added to a gradient, which a sink never materializes
      parameters.forEach((name, p) -> {
        GradientSink sink = p.grad() == null && p.requiresGrad() ? sink(name, p) : null;
        if (sink != null) {
          sinks.put(p, sink);
        }
      });
    }
    loss.backward(sinks);
    step(); // the parameters a sink updated have no gradient, so step() leaves them alone
  }

  /**
   * Where {@code parameter}'s gradient can be applied during the backward pass (its update from a
   * product-form gradient, the same as {@link #update} from the gradient), or null: the update
   * waits for {@link #step()}.
   */
  GradientSink sink(String name, Tensor parameter) {
    return null;
  }

  /** {@code g + l2Decay * W} in a buffer kept for the parameter; the gradient stays as it was. */
  private Tensor withL2Decay(String name, Tensor parameter, Tensor grad, InPlace math) {
    Tensor out = decayedGrads.computeIfAbsent(name, n -> Tensor.wrap(parameter.backend(),
        parameter.backend().allocate(parameter.dtype(), parameter.size()), parameter.shape()));
    math.scale(parameter.buffer(), l2Decay, out.buffer());
    math.apply(BinaryOp.ADD, out.buffer(), grad.buffer(), out.buffer());
    return out;
  }

  @Override
  public final List<Tensor> parameters() {
    return List.copyOf(parameters.values());
  }

  @Override
  public final void zeroGrad() {
    parameters.values().forEach(Tensor::zeroGrad);
  }

  @Override
  public final double learningRate() {
    return learningRate;
  }

  @Override
  public final void setLearningRate(double learningRate) {
    checkLearningRate(learningRate);
    this.learningRate = learningRate;
  }

  /** The L2 decay added to the gradient (0: none). */
  final double l2Decay() {
    return l2Decay;
  }

  /** The state tensor {@code slot} (e.g. "v") of a parameter, zeros until first written. */
  final DeviceBuffer slot(String slot, String name, Tensor like) {
    return slots.computeIfAbsent(slot + "." + name, key -> {
      if (like.backend() instanceof GraphCapture g && g.isCapturing()) {
        // its zeros would be written again by every replay, and by none if the capture failed
        throw new IllegalStateException(kind + "'s state '" + key + "' does not exist yet, and "
            + "cannot be created inside a CUDA graph capture; run one step without the graph "
            + "first, then capture");
      }
      DeviceBuffer b = like.backend().allocate(like.dtype(), like.size());
      like.backend().fill(b, 0);
      return Tensor.wrap(like.backend(), b, like.shape());
    }).buffer();
  }

  /** The L2 decay as {@code weightDecay}; subclasses add their own settings. */
  @Override
  public Map<String, Double> settings() {
    return Map.of("weightDecay", l2Decay);
  }

  /** {@code base} with {@code name = value} added (or replaced), for {@link #settings()}. */
  static Map<String, Double> with(Map<String, Double> base, String name, double value) {
    Map<String, Double> all = new TreeMap<>(base);
    all.put(name, value);
    return Collections.unmodifiableMap(all);
  }

  /** Scalar counters to save besides the slots; Adam's step count. */
  Map<String, String> values() {
    return Map.of();
  }

  /** Restores what {@link #values()} gave; fails on a missing, malformed or unknown entry. */
  void loadValues(Map<String, String> values) {
    checkArgument(values.isEmpty(), "the saved %s state has counters %s that %s does not keep;"
        + " resume with the optimizer that saved it", kind, new TreeSet<>(values.keySet()), kind);
  }

  /** Every slot of every parameter, zeros for those not stepped yet, so the state is complete. */
  @Override
  public final OptimizerState state() {
    parameters.forEach((name, p) -> slotNames().forEach(slot -> slot(slot, name, p)));
    return new OptimizerState(kind, slots, values());
  }

  @Override
  public final void loadState(OptimizerState state) {
    checkNotNull(state, "state is null");
    checkArgument(state.kind().equals(kind),
        "the saved optimizer state is for '%s' but this optimizer is '%s'; resume with an"
            + " optimizer of kind '%s'", state.kind(), kind, state.kind());
    List<String> needed = slotNames();
    state.tensors().forEach((key, saved) -> {
      int dot = key.indexOf('.');
      String slot = dot < 0 ? key : key.substring(0, dot);
      checkArgument(needed.contains(slot), "optimizer state '%s' is not a slot of %s (its slots"
          + " are %s); resume with the optimizer that saved it", key, this, needed);
      checkArgument(dot >= 0 && (parameters.containsKey(key.substring(dot + 1))
          || aliases.contains(key.substring(dot + 1))),
          "optimizer state '%s' belongs to no parameter; parameters are %s", key,
          new TreeSet<>(parameters.keySet()));
    });
    // Every parameter needs every slot: a missing one would restart at zero while the step
    // counts go on, which wrecks training without any error.
    Map<String, Tensor> restored = new LinkedHashMap<>();
    parameters.forEach((name, p) -> {
      for (String slot : needed) {
        String key = slot + "." + name;
        Tensor saved = state.tensors().get(key);
        checkArgument(saved != null, "the saved optimizer state has no slot '%s' of parameter"
            + " '%s' (%s keeps %s for every parameter); the state is incomplete: resume from"
            + " another checkpoint or start afresh", slot, name, kind, needed);
        checkArgument(saved.shape().equals(p.shape()) && saved.dtype() == p.dtype(),
            "optimizer state '%s' is %s %s but its parameter is %s %s", key, saved.dtype(),
            saved.shape(), p.dtype(), p.shape());
        restored.put(key, copyOnto(saved, p));
      }
    });
    loadValues(state.values());
    // An alias's slot (saved when a tensor listed twice was stepped under each name) is ignored.
    // Slots that exist are overwritten in place, so a state() taken before sees the loaded values.
    restored.forEach((key, loaded) -> {
      Tensor existing = slots.get(key);
      if (existing == null) {
        slots.put(key, loaded);
      } else { // in place: whatever holds the slot's buffer (a captured graph) reads the new state
        existing.assign(loaded);
        loaded.buffer().close();
      }
    });
  }

  /** A private copy, so that the loaded state never shares a buffer with the caller's tensor. */
  private static Tensor copyOnto(Tensor saved, Tensor like) {
    Tensor onBackend = saved.to(like.backend()).contiguous(); // a view's elements made dense
    DeviceBuffer b = like.backend().allocate(like.dtype(), like.size());
    like.backend().copy(onBackend.buffer(), 0, b, 0, like.size());
    return Tensor.wrap(like.backend(), b, like.shape());
  }

  /** Parses a saved counter or fails naming it. */
  static long parseCount(Map<String, String> values, String key, String kind) {
    String v = values.get(key);
    checkArgument(v != null, "the saved %s state has no '%s' (has %s)", kind, key,
        Arrays.toString(values.keySet().toArray()));
    try {
      long n = Long.parseLong(v);
      checkArgument(n >= 0, "the saved %s state has a negative '%s': %s", kind, key, v);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the saved " + kind + " state has '" + key + "' = '" + v
          + "', not a whole number", e);
    }
  }

  @Override
  public String toString() {
    return describe("");
  }

  /** {@code kind(lr=..., <settings>, weightDecay=...)}, the decay only when there is one. */
  final String describe(String settings) {
    return kind + "(lr=" + learningRate + (settings.isEmpty() ? "" : ", " + settings)
        + (l2Decay != 0 ? ", weightDecay=" + l2Decay : "") + ")";
  }
}
