package dev.jgrad.autograd;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import java.util.List;

/**
 * One recorded op application: which op, with which attributes, on which inputs. The inputs are
 * what a gradient rule reads ({@code ctx.input(i)}), the node's saved tensors: a backward pass
 * frees them, unless asked to retain the graph, so that their memory can go and a second backward
 * through the node fails instead of adding its gradients twice.
 *
 * <p>It also notes the {@link Tensor#version() versions} of its inputs and output when recorded:
 * a rule reading one that was changed in place since would compute a wrong gradient, so it fails.
 * Only the values the op declares its rule reads ({@link OpDef#gradientReadsInput}) are checked:
 * {@code add}'s rule reads shapes only, so changing its input afterwards is no error.
 */
final class Node {
  private final OpDef op;
  private final Attrs attrs;
  private List<Tensor> inputs; // null once freed
  private final int[] inputVersions;
  private final int outputVersion;

  Node(OpDef op, Attrs attrs, List<Tensor> inputs, int outputVersion) {
    this.op = op;
    this.attrs = attrs;
    this.inputs = inputs;
    this.inputVersions = new int[inputs.size()];
    for (int i = 0; i < inputVersions.length; i++) {
      inputVersions[i] = inputs.get(i).version();
    }
    this.outputVersion = outputVersion;
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

  /** Input {@code i} for a gradient rule; fails when it was changed in place since recorded. */
  Tensor savedInput(int i) {
    Tensor in = inputs().get(i);
    // the words only on failure: this runs for every input a gradient rule reads
    if (op.gradientReadsInput(i) && in.version() != inputVersions[i]) {
      checkUnchanged(in, inputVersions[i], "input " + i);
    }
    return in;
  }

  /** The node's output for a gradient rule; fails when it was changed in place since recorded. */
  Tensor savedOutput(Tensor output) {
    if (op.gradientReadsOutput()) {
      checkUnchanged(output, outputVersion, "output");
    }
    return output;
  }

  private void checkUnchanged(Tensor t, int recorded, String what) {
    if (t.version() != recorded) {
      throw new IllegalStateException(op.name() + "'s " + what + " (shape " + t.shape()
          + ") was changed in place after it was used (version " + recorded + " -> "
          + t.version() + "); compute after the change, or copy() it before");
    }
  }

  boolean isFreed() {
    return inputs == null;
  }

  /** Drops the saved inputs after a backward pass that does not retain the graph. */
  void free() {
    inputs = null;
  }
}
