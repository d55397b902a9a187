package dev.jgrad.api.op;

import java.util.List;

/**
 * The backward of an op: given the gradient of the loss with respect to the op's output, the
 * gradients with respect to each input. {@code T} is the tensor type of the autograd layer
 * ({@code dev.jgrad.autograd.Tensor}); the api module does not depend on it.
 */
@FunctionalInterface
public interface GradientRule<T> {
  /**
   * Returns one gradient per input, in order, each of that input's shape; {@code null} for an
   * input that gets no gradient (an index tensor, say).
   */
  List<T> backward(GradientContext<T> ctx);

  /** What a gradient rule sees. */
  interface GradientContext<T> {
    /** Input {@code i} of the forward call, as it was then. */
    T input(int i);

    /** How many inputs the forward call had (variadic ops differ per call). */
    int inputCount();

    /** The forward call's output. */
    T output();

    /** Gradient of the loss with respect to {@link #output()}. */
    T gradOutput();

    /**
     * Whether input {@code i} wants a gradient. Rules may skip (return null for) inputs that do
     * not, which saves work such as the input-gradient product of a network's first layer.
     */
    boolean needsGradient(int i);

    /** The forward call's attributes. */
    Attrs attrs();

    /**
     * Where input {@code i}'s gradient may go instead of being returned, or null (the default):
     * a leaf whose optimizer updates it inside the pass, offered only when this call is the
     * leaf's one use in the graph, so its gradient is complete here. A rule that uses it returns
     * null for the input when {@link GradientSink#acceptProduct} took the gradient, and computes
     * every other gradient that reads the input first, since the sink changes it.
     */
    default GradientSink sink(int i) {
      return null;
    }
  }
}
