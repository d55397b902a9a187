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
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward(): " + root.spec() + " does not require grad; "
          + "mark a parameter with requiresGrad(true) before computing from it");
    }
    Tensor seed;
    if (gradient == null) {
      if (root.size() != 1) {
        throw new IllegalStateException("backward() without a gradient needs a scalar, but the "
            + "tensor has shape " + root.shape() + "; call backward(gradient) with a gradient of "
            + "that shape, or reduce it first (sum(), mean())");
      }
      // made on the root's backend (not uploaded from the current one): an upload cannot be part
      // of a captured CUDA graph
      DeviceBuffer one = root.backend().allocate(root.dtype(), 1);
      root.backend().fill(one, 1);
      seed = Tensor.wrap(root.backend(), one, root.shape());
      // the open scope's, as the gradients computed from it are: made by a factory, it was no
      // one's, and on a GPU held a block of the allocator until the garbage collector ran
      TensorScope.track(seed);
    } else {
      if (!gradient.shape().equals(root.shape()) || gradient.dtype() != root.dtype()) {
        throw new IllegalArgumentException("backward(gradient): the gradient is "
            + gradient.spec() + " but the tensor is " + root.spec() + "; they must match");
      }
      if (gradient.backend() != root.backend()) {
        throw new IllegalArgumentException("backward(gradient): the gradient lives on backend "
            + gradient.backend().name() + ", the tensor on " + root.backend().name());
      }
      seed = gradient.detach();
    }
    List<Tensor> order = topologicalOrder(root);
    checkNotFreed(order);
    Map<Tensor, GradientSink> offered = sinks.isEmpty() ? Map.of() : usedOnce(order, sinks);
    Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    // the tensors whose gradients are stored (leaves, retaining ones), once every rule ran
    List<Tensor> stored = new ArrayList<>();
    List<Tensor> storedGrads = new ArrayList<>();
    grads.put(root, seed);
    OpRegistry registry = OpRegistry.global();
    try (NoGrad ignored = NoGrad.scope()) {
      for (int i = order.size() - 1; i >= 0; i--) {
        Tensor t = order.get(i);
        Tensor g = grads.remove(t);
        if (g == null) {
          continue;
        }
        Node node = t.creator();
        if (node == null || t.retainsGrad()) { // g is complete: every consumer came before
          stored.add(t);
          storedGrads.add(g);
          if (node == null) {
            continue;
          }
        }
        List<Tensor> inputGrads;
        try {
          inputGrads = ruleFor(registry, node).backward(new Context(node, t, g, offered));
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
          if (gj == null || !in.requiresGrad()) {
            continue;
          }
          if (!gj.shape().equals(in.shape())) {
            throw new IllegalStateException("gradient rule of " + node.op().name()
                + " returned shape " + gj.shape() + " for input " + j + " of shape " + in.shape());
          }
          grads.merge(in, gj, Tensor::add);
        }
      }
      for (int i = 0; i < stored.size(); i++) {
        stored.get(i).accumulateGrad(storedGrads.get(i));
      }
    }
    if (!retainGraph) {
      for (Tensor t : order) {
        if (t.creator() != null) {
          t.creator().free();
        }
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
      Map<Tensor, GradientSink> sinks) implements GradientRule.GradientContext<Tensor> {
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
      return node.inputs().get(i).requiresGrad();
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
