package dev.jgrad.autograd;

import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.api.op.OpRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation: one topological sort of the recorded graph (iterative, so chains
 * of any length work), then each node's gradient rule in reverse order, accumulating gradients
 * where a tensor feeds several ops.
 *
 * <p>A pass either completes or changes nothing: leaves (and computed tensors that
 * {@link Tensor#retainGrad() retain} theirs) get their gradients only after every rule ran, and
 * the graph's saved tensors are freed (unless retained) only then.
 */
final class Backprop {
  private Backprop() {}

  static void run(Tensor root, Tensor gradient, boolean retainGraph) {
    run(root, gradient, retainGraph, Map.of());
  }

  /**
   * With {@code sinks}: a leaf that has one and is used exactly once in the graph is offered to
   * its consumer's rule ({@link GradientRule.GradientContext#sink}); what the sink takes never
   * reaches the leaf's gradient. Those updates happen during the pass, so a pass that fails
   * part-way has applied some of them.
   */
  static void run(Tensor root, Tensor gradient, boolean retainGraph,
      Map<Tensor, ? extends GradientSink> sinks) {
    Tensor seed = seed("backward", root, gradient, false);
    List<Tensor> order = topologicalOrder(root);
    checkNotFreed(order);
    Map<Tensor, GradientSink> offered = sinks.isEmpty() ? Map.of() : usedOnce(order, sinks);
    // the tensors whose gradients are stored (leaves, retaining ones), once every rule ran
    List<Tensor> stored = new ArrayList<>();
    List<Tensor> storedGrads = new ArrayList<>();
    try (NoGrad ignored = NoGrad.scope()) {
      propagate(order, seed, null, offered, (t, g) -> {
        if (t.creator() == null || t.retainsGrad()) { // g is complete: every consumer came before
          stored.add(t);
          storedGrads.add(g);
        }
        return t.creator() != null;
      });
      for (int i = 0; i < stored.size(); i++) {
        stored.get(i).accumulateGrad(storedGrads.get(i));
      }
    }
    if (!retainGraph) {
      free(order);
    }
  }

  /**
   * The gradients of {@code root} with respect to {@code wrt} (leaves or computed tensors, each
   * requiring grad), without touching any {@link Tensor#grad()}: only the part of the graph
   * between them is visited. With {@code createGraph} the rules run recording, so the gradients
   * are graph nodes themselves (differentiable again) and the graph is kept; null for a tensor
   * the root does not depend on.
   */
  static List<Tensor> gradients(Tensor root, Tensor gradient, List<Tensor> wrt,
      boolean retainGraph, boolean createGraph) {
    Tensor seed = seed("Autograd.grad", root, gradient, createGraph);
    List<Tensor> order = topologicalOrder(root);
    checkNotFreed(order);
    Set<Tensor> targets = Collections.newSetFromMap(new IdentityHashMap<>());
    targets.addAll(wrt);
    Set<Tensor> relevant = leadingTo(order, targets);
    Map<Tensor, Tensor> found = new IdentityHashMap<>();
    try (GradModeScope ignored = createGraph ? EnableGrad.scope() : NoGrad.scope()) {
      propagate(order, seed, relevant, Map.of(), (t, g) -> {
        if (targets.contains(t)) {
          found.put(t, g);
        }
        return t.creator() != null;
      });
    }
    if (!retainGraph && !createGraph) {
      free(order);
    }
    List<Tensor> out = new ArrayList<>(wrt.size());
    for (Tensor t : wrt) {
      Tensor g = found.get(t);
      out.add(g == null || createGraph ? g : g.detach());
    }
    return out;
  }

  /**
   * The gradient a pass starts from: {@code gradient}, checked (detached unless the pass records,
   * where it may be a graph node itself), or 1 for a scalar root.
   */
  private static Tensor seed(String call, Tensor root, Tensor gradient, boolean recorded) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException(call + "(): " + root.spec() + " does not require grad; "
          + "mark a parameter with requiresGrad(true) before computing from it");
    }
    if (gradient == null) {
      if (root.size() != 1) {
        throw new IllegalStateException(call + "() without a gradient needs a scalar, but the "
            + "tensor has shape " + root.shape() + "; " + (call.equals("backward")
            ? "call backward(gradient) with a gradient of that shape"
            : "pass GradOptions.gradOutput(gradient) of that shape")
            + ", or reduce it first (sum(), mean())");
      }
      // made on the root's backend (not uploaded from the current one): an upload cannot be part
      // of a captured CUDA graph
      DeviceBuffer one = root.backend().allocate(root.dtype(), 1);
      root.backend().fill(one, 1);
      Tensor seed = Tensor.wrap(root.backend(), one, root.shape());
      // the open scope's, as the gradients computed from it are: made by a factory, it was no
      // one's, and on a GPU held a block of the allocator until the garbage collector ran
      TensorScope.track(seed);
      return seed;
    }
    if (!gradient.shape().equals(root.shape()) || gradient.dtype() != root.dtype()) {
      throw new IllegalArgumentException(call + "(gradient): the gradient is "
          + gradient.spec() + " but the tensor is " + root.spec() + "; they must match");
    }
    if (gradient.backend() != root.backend()) {
      throw new IllegalArgumentException(call + "(gradient): the gradient lives on backend "
          + gradient.backend().name() + ", the tensor on " + root.backend().name());
    }
    return recorded ? gradient : gradient.detach();
  }

  /** Decides, for a tensor whose gradient {@code g} is complete, whether to go on into its rule. */
  private interface OnComplete {
    boolean accept(Tensor t, Tensor g);
  }

  /**
   * Runs the gradient rules in reverse order from {@code seed}, over the tensors in
   * {@code relevant} (null: all), accumulating where a tensor feeds several ops, and hands each
   * tensor's complete gradient to {@code onComplete}.
   */
  private static void propagate(List<Tensor> order, Tensor seed, Set<Tensor> relevant,
      Map<Tensor, GradientSink> offered, OnComplete onComplete) {
    Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    grads.put(order.get(order.size() - 1), seed);
    OpRegistry registry = OpRegistry.global();
    for (int i = order.size() - 1; i >= 0; i--) {
      Tensor t = order.get(i);
      Tensor g = grads.remove(t);
      if (g == null || !onComplete.accept(t, g)) {
        continue;
      }
      Node node = t.creator();
      List<Tensor> inputGrads;
      try {
        inputGrads = ruleFor(registry, node).backward(new Context(node, t, g, offered, relevant));
      } catch (RuntimeException | LinkageError e) {
        List<Object> specs = new ArrayList<>();
        node.inputs().forEach(in -> specs.add(in.spec()));
        throw OpFailure.of(node.op().name(), "the gradient rule of " + node.op().name()
            + " failed on inputs " + specs + " and output gradient " + g.spec(), e);
      }
      if (inputGrads.size() != node.inputs().size()) {
        throw new IllegalStateException("gradient rule of " + node.op().name() + " returned "
            + inputGrads.size() + " gradients for " + node.inputs().size() + " inputs");
      }
      for (int j = 0; j < inputGrads.size(); j++) {
        Tensor in = node.inputs().get(j);
        Tensor gj = inputGrads.get(j);
        if (gj == null || !wanted(in, relevant)) {
          continue;
        }
        if (!gj.shape().equals(in.shape())) {
          throw new IllegalStateException("gradient rule of " + node.op().name()
              + " returned shape " + gj.shape() + " for input " + j + " of shape " + in.shape());
        }
        grads.merge(in, gj, Tensor::add);
      }
    }
  }

  private static boolean wanted(Tensor t, Set<Tensor> relevant) {
    return t.requiresGrad() && (relevant == null || relevant.contains(t));
  }

  /** The tensors of {@code order} that are a target or lead to one through their inputs. */
  private static Set<Tensor> leadingTo(List<Tensor> order, Set<Tensor> targets) {
    Set<Tensor> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : order) { // inputs before their consumers
      boolean leads = targets.contains(t);
      Node node = t.creator();
      if (!leads && node != null) {
        for (Tensor in : node.inputs()) {
          leads |= relevant.contains(in);
        }
      }
      if (leads) {
        relevant.add(t);
      }
    }
    return relevant;
  }

  private static void free(List<Tensor> order) {
    for (Tensor t : order) {
      if (t.creator() != null) {
        t.creator().free();
      }
    }
  }

  /**
   * The sinks of leaves that feed exactly one op input in the graph: only there is a leaf's
   * gradient complete when one rule computes it (two uses add two gradients; a leaf fed to a
   * view is consumed by the view, whose rule gets no sink).
   */
  private static Map<Tensor, GradientSink> usedOnce(List<Tensor> order,
      Map<Tensor, ? extends GradientSink> sinks) {
    Map<Tensor, Integer> uses = new IdentityHashMap<>();
    for (Tensor t : order) {
      Node node = t.creator();
      if (node != null) {
        for (Tensor in : node.inputs()) {
          if (in.creator() == null && sinks.get(in) != null) {
            uses.merge(in, 1, Integer::sum);
          }
        }
      }
    }
    Map<Tensor, GradientSink> offered = new IdentityHashMap<>();
    uses.forEach((leaf, n) -> {
      if (n == 1) {
        offered.put(leaf, sinks.get(leaf));
      }
    });
    return offered;
  }

  /** Fails before any gradient is written when a node on the way was freed by an earlier pass. */
  private static void checkNotFreed(List<Tensor> order) {
    for (Tensor t : order) {
      Node node = t.creator();
      if (node != null && node.isFreed()) {
        throw new IllegalStateException("backward through the graph a second time (at "
            + node.op().name() + "): its saved tensors were freed by the first backward(); call "
            + "backward(true) the first time if you need to backward through it again");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static GradientRule<Tensor> ruleFor(OpRegistry registry, Node node) {
    return (GradientRule<Tensor>) registry.requireGradient(node.op().name());
  }

  /** Tensors that require grad, each after all its inputs; iterative depth-first post-order. */
  static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> order = new ArrayList<>();
    Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Tensor> stack = new ArrayDeque<>();
    Deque<Integer> nextInput = new ArrayDeque<>();
    stack.push(root);
    nextInput.push(0);
    visited.add(root);
    while (!stack.isEmpty()) {
      Tensor t = stack.peek();
      int i = nextInput.pop();
      List<Tensor> inputs = t.creator() == null ? List.of() : t.creator().inputs();
      while (i < inputs.size()
          && (!inputs.get(i).requiresGrad() || visited.contains(inputs.get(i)))) {
        i++;
      }
      if (i < inputs.size()) {
        nextInput.push(i + 1);
        Tensor child = inputs.get(i);
        visited.add(child);
        stack.push(child);
        nextInput.push(0);
      } else {
        stack.pop();
        order.add(t);
      }
    }
    return order;
  }

  private record Context(Node node, Tensor output, Tensor gradOutput,
      Map<Tensor, GradientSink> sinks, Set<Tensor> relevant)
      implements GradientRule.GradientContext<Tensor> {
    @Override
    public Tensor input(int i) {
      return node.savedInput(i);
    }

    @Override
    public Tensor output() {
      return node.savedOutput(output);
    }

    @Override
    public int inputCount() {
      return node.inputs().size();
    }

    @Override
    public boolean needsGradient(int i) {
      return wanted(node.inputs().get(i), relevant);
    }

    @Override
    public Attrs attrs() {
      return node.attrs();
    }

    @Override
    public GradientSink sink(int i) {
      return sinks.isEmpty() ? null : sinks.get(node.inputs().get(i));
    }
  }
}
