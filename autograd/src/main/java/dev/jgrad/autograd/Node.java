package dev.jgrad.autograd;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import java.util.List;

/**
 * One recorded op application: which op, with which attributes, on which inputs. The inputs are
 * what a gradient rule reads ({@code ctx.input(i)}), the node's saved tensors: a backward pass
 * frees them, unless asked to retain the graph, so that their memory can go and a second backward
 * through the node fails instead of adding its gradients twice.
 */
final class Node {
  private final OpDef op;
  private final Attrs attrs;
  private List<Tensor> inputs; // null once freed

  Node(OpDef op, Attrs attrs, List<Tensor> inputs) {
    this.op = op;
    this.attrs = attrs;
    this.inputs = inputs;
  }

  OpDef op() {
    return op;
  }

  Attrs attrs() {
    return attrs;
  }

  /** The recorded inputs; empty once {@link #free freed}, which ends the graph here. */
  List<Tensor> inputs() {
    return inputs == null ? List.of() : inputs;
  }

  boolean isFreed() {
    return inputs == null;
  }

  /** Drops the saved inputs after a backward pass that does not retain the graph. */
  void free() {
    inputs = null;
  }
}
