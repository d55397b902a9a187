package dev.jgrad.api.op;

/**
 * Computes an op's forward result into {@link KernelCall#output()}. A kernel registered for
 * {@link OpRegistry#ANY_BACKEND} is written against the {@link dev.jgrad.api.Backend} primitives and
 * so runs everywhere; a kernel registered for one backend may use that backend's own buffers.
 */
@FunctionalInterface
public interface Kernel {
  /**
   * Writes the op's result for {@code call}'s inputs into {@code call.output()}, which the
   * dispatcher allocated with the shape rule's spec.
   */
  void compute(KernelCall call);
}
