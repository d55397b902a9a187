package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How {@link Autograd#grad(Tensor, java.util.List, GradOptions)} computes: PyTorch's
 * {@code torch.autograd.grad} arguments. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * GradOptions.defaults().createGraph()            // create_graph=True (keeps the graph too)
 * GradOptions.defaults().retainGraph()            // retain_graph=True
 * GradOptions.defaults().gradOutput(v)            // grad_outputs=v, for a non-scalar output
 * GradOptions.defaults().allowUnused()            // allow_unused=True: null where unused
 * }</pre>
 */
public final class GradOptions {
  private static final GradOptions DEFAULTS = new GradOptions(false, false, null, false);

  private final boolean retainGraph;
  private final boolean createGraph;
  private final Tensor gradOutput;
  private final boolean allowUnused;

  private GradOptions(boolean retainGraph, boolean createGraph, Tensor gradOutput,
      boolean allowUnused) {
    this.retainGraph = retainGraph;
    this.createGraph = createGraph;
    this.gradOutput = gradOutput;
    this.allowUnused = allowUnused;
  }

  /** Frees the graph afterwards, records nothing, needs a scalar output, refuses unused inputs. */
  public static GradOptions defaults() {
    return DEFAULTS;
  }

  /** Keeps the graph, so that it can be differentiated again ({@code retain_graph=True}). */
  public GradOptions retainGraph() {
    return new GradOptions(true, createGraph, gradOutput, allowUnused);
  }

  /**
   * Records the gradient computation itself, so that the gradients returned can be
   * differentiated again (a gradient penalty, a Hessian-vector product); keeps the graph, as
   * PyTorch's {@code create_graph=True} does.
   */
  public GradOptions createGraph() {
    return new GradOptions(true, true, gradOutput, allowUnused);
  }

  /** The gradient of the output to start from (its shape), instead of 1 for a scalar output. */
  public GradOptions gradOutput(Tensor gradient) {
    checkArgument(gradient != null, "GradOptions.gradOutput: the gradient is null");
    return new GradOptions(retainGraph, createGraph, gradient, allowUnused);
  }

  /** Gives null for an input the output does not depend on, instead of failing. */
  public GradOptions allowUnused() {
    return new GradOptions(retainGraph, createGraph, gradOutput, true);
  }

  boolean retainsGraph() {
    return retainGraph;
  }

  boolean createsGraph() {
    return createGraph;
  }

  Tensor gradOutputOrNull() {
    return gradOutput;
  }

  boolean allowsUnused() {
    return allowUnused;
  }
}
