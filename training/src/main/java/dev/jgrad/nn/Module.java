package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A piece of a network: a function of one tensor with named parameters and named sub-modules.
 * Parameter names are dotted paths through the sub-modules, in registration order, e.g.
 * {@code "0.weight"} for the first layer of a {@link Sequential}, or {@code "fc1.bias"}; these are
 * the names checkpoints store.
 *
 * <p>Subclasses register what they own in their constructor:
 *
 * <pre>{@code
 * final class TwoLayerNet extends Module {
 *   private final Linear fc1;
 *   private final Linear fc2;
 *
 *   TwoLayerNet(Random random) {
 *     fc1 = registerModule("fc1", new Linear(784, 50, Init.he(), random));
 *     fc2 = registerModule("fc2", new Linear(50, 10, Init.xavier(), random));
 *   }
 *
 *   @Override
 *   public Tensor forward(Tensor x) {
 *     return fc2.forward(fc1.forward(x).relu());
 *   }
 * }
 * Set<String> names = new TwoLayerNet(new Random(42)).namedParameters().keySet();
 * // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
 * }</pre>
 *
 * <p>{@code DocSnippetsTest} (training's tests, {@code dev.jgrad.snippets}) runs this example
 * as written and fails when the two differ.
 *
 * <p>Threads may call {@link #forward} on one module in evaluation mode at once (no-grad, as a
 * server predicts); training one module from two threads is not safe (docs/reliability.md,
 * Threads).
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true; // as in PyTorch, a new module is in training mode
  /** Set by {@link #freeze()}: evaluation mode whatever {@link #train(boolean)} asks. */
  private boolean frozen;
  /** Per thread, how many {@link #evalScope()} scopes are open there. */
  private static final ThreadLocal<int[]> EVAL_SCOPES = ThreadLocal.withInitial(() -> new int[1]);

  /** Computes this module's output for a batch {@code x}. */
  public abstract Tensor forward(Tensor x);

  /** Registers a trainable tensor under {@code name} and marks it as requiring gradients. */
  protected final Tensor registerParameter(String name, Tensor parameter) {
    checkName(name);
    checkNotNull(parameter, "parameter '%s' is null; pass a tensor", name);
    checkArgument(parameter.isLeaf(),
        "parameter '%s' was computed by an op; pass a leaf tensor (detach() it first)", name);
    parameters.put(name, parameter.requiresGrad(true));
    return parameter;
  }

  /**
   * Registers state that is not trained but saved with the parameters (PyTorch's buffers, such as
   * BatchNorm's {@code running_mean}): a leaf without gradients, which the module updates in
   * place ({@link Tensor#assign}) and checkpoints store under its dotted name.
   */
  protected final Tensor registerBuffer(String name, Tensor buffer) {
    checkName(name);
    checkNotNull(buffer, "buffer '%s' is null; pass a tensor", name);
    checkArgument(buffer.isLeaf() && !buffer.requiresGrad(),
        "buffer '%s' must be a leaf without gradients; pass a detached tensor", name);
    buffers.put(name, buffer);
    return buffer;
  }

  /** Registers a sub-module whose parameters appear as {@code name + "." + theirName}. */
  protected final <M extends Module> M registerModule(String name, M module) {
    checkName(name);
    checkNotNull(module, "module '%s' is null; pass a module", name);
    checkArgument(module != this, "module '%s' cannot contain itself", name);
    children.put(name, module);
    return module;
  }

  private void checkName(String name) {
    checkArgument(name != null && !name.isEmpty() && !name.contains("."),
        "bad name '%s': use a non-empty name without dots (dots separate the path)", name);
    checkArgument(!parameters.containsKey(name) && !buffers.containsKey(name)
        && !children.containsKey(name),
        "name '%s' is already registered in %s; pick another", name, getClass().getSimpleName());
  }

  /**
   * Every parameter of this module and its sub-modules by dotted name, in registration order. A
   * parameter reached twice (a layer used twice) is listed under each name, as a checkpoint
   * stores it; optimizers step each tensor once.
   */
  public final Map<String, Tensor> namedParameters() {
    Map<String, Tensor> all = new LinkedHashMap<>();
    collect("", all, m -> m.parameters);
    return Collections.unmodifiableMap(all);
  }

  /** Every buffer of this module and its sub-modules by dotted name, in registration order. */
  public final Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> all = new LinkedHashMap<>();
    collect("", all, m -> m.buffers);
    return Collections.unmodifiableMap(all);
  }

  /**
   * The parameters, then the buffers, by dotted name: what a checkpoint saves and PyTorch's
   * {@code state_dict()} holds.
   */
  public final Map<String, Tensor> namedState() {
    Map<String, Tensor> all = new LinkedHashMap<>(namedParameters());
    all.putAll(namedBuffers());
    return Collections.unmodifiableMap(all);
  }

  /** {@code own}'s tensors of this module and, under their paths, of every sub-module. */
  private void collect(String prefix, Map<String, Tensor> into,
      Function<Module, Map<String, Tensor>> own) {
    own.apply(this).forEach((name, t) -> into.put(prefix + name, t));
    children.forEach((name, child) -> child.collect(prefix + name + ".", into, own));
  }

  /**
   * This module (under {@code ""}) and every sub-module by dotted path, in registration order; a
   * module reached twice (a layer used twice) is listed once, under its first path, as PyTorch's
   * {@code named_modules()}.
   */
  public final Map<String, Module> namedModules() {
    Map<String, Module> all = new LinkedHashMap<>();
    collectModules("", all, Collections.newSetFromMap(new IdentityHashMap<>()));
    return Collections.unmodifiableMap(all);
  }

  private void collectModules(String path, Map<String, Module> into, Set<Module> seen) {
    if (seen.add(this)) {
      into.put(path, this);
      children.forEach((name, child) ->
          child.collectModules(path.isEmpty() ? name : path + "." + name, into, seen));
    }
  }

  /** The parameters in the order of {@link #namedParameters()}. */
  public final List<Tensor> parameters() {
    return List.copyOf(namedParameters().values());
  }

  /** The direct sub-modules by name. */
  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /**
   * Puts this module and every sub-module in training mode ({@code true}) or evaluation mode
   * ({@code false}); layers such as {@code Dropout} behave differently in the two. Modules that
   * {@link #freeze()} froze stay in evaluation mode.
   *
   * @return this module, for chaining
   */
  public final Module train(boolean mode) {
    training = mode && !frozen; // a frozen module's statistics stay as they are (freeze())
    children.values().forEach(child -> child.train(mode));
    return this;
  }

  /**
   * Freezes this module and every sub-module for fine-tuning: their parameters stop requiring
   * gradients (optimizers skip them, {@code Trainer} included), and they go to evaluation mode and
   * stay there through {@link #train(boolean)} calls (a {@code Trainer} makes one every epoch),
   * so a BatchNorm keeps its running statistics and a Dropout passes everything through. It is
   * PyTorch's {@code requires_grad_(False)} plus {@code eval()} on the frozen part, with the
   * {@code train()} override PyTorch users write to keep it there ({@code train} is final here).
   * Undone by {@link #unfreeze()}.
   *
   * @return this module, for chaining
   */
  public final Module freeze() {
    return setFrozen(true);
  }

  /**
   * Undoes {@link #freeze()} on this module and every sub-module: their parameters require
   * gradients again and {@link #train(boolean)} sets their mode again (they stay in evaluation
   * mode until it is called).
   *
   * @return this module, for chaining
   */
  public final Module unfreeze() {
    return setFrozen(false);
  }

  private Module setFrozen(boolean frozen) {
    namedModules().values().forEach(m -> {
      m.frozen = frozen;
      m.parameters.values().forEach(p -> p.requiresGrad(!frozen));
      if (frozen) {
        m.training = false;
      }
    });
    return this;
  }

  /** Whether {@link #freeze()} froze this module (itself or as part of a module frozen). */
  public final boolean isFrozen() {
    return frozen;
  }

  /** {@code train(true)}. */
  public final Module train() {
    return train(true);
  }

  /** {@code train(false)}: evaluation mode, for inference. */
  public final Module eval() {
    return train(false);
  }

  /**
   * Whether this module is in training mode (new modules are) on this thread: false inside an
   * {@link #evalScope()}, whatever {@link #train(boolean)} set.
   */
  public final boolean isTraining() {
    return training && EVAL_SCOPES.get()[0] == 0;
  }

  /**
   * Until the returned scope closes, every module is in evaluation mode on this thread only,
   * without changing any module's mode: several threads may so evaluate one model, even one in
   * training mode, where {@link #eval()} followed by {@link #train(boolean)} on each thread would
   * switch the others' passes to training mode (dropout, running statistics updated) at random.
   * {@code Evaluator} uses it. Scopes nest.
   *
   * <pre>{@code
   * try (Module.EvalScope ignored = Module.evalScope(); NoGrad noGrad = NoGrad.scope()) {
   *   Tensor scores = model.forward(x);    // no dropout, running statistics, no graph
   * }
   * }</pre>
   */
  public static EvalScope evalScope() {
    EVAL_SCOPES.get()[0]++;
    return new EvalScope();
  }

  /** Whether an {@link #evalScope()} is open on this thread. */
  public static boolean inEvalScope() {
    return EVAL_SCOPES.get()[0] > 0;
  }

  /** Ends an {@link #evalScope()} on the thread that opened it; closing twice does nothing. */
  public static final class EvalScope implements AutoCloseable {
    private boolean closed;

    private EvalScope() {}

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        EVAL_SCOPES.get()[0]--;
      }
    }
  }

  /** Total number of trainable scalars; a parameter listed under two names counts once. */
  public final long parameterCount() {
    long n = 0;
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor p : namedParameters().values()) {
      if (seen.add(p)) {
        n += p.size();
      }
    }
    return n;
  }

  /** Forgets every parameter's gradient. */
  public final void zeroGrad() {
    for (Tensor p : namedParameters().values()) {
      p.zeroGrad();
    }
  }

  /** A one-line description for logs; containers override it to list their children. */
  @Override
  public String toString() {
    return getClass().getSimpleName();
  }
}
