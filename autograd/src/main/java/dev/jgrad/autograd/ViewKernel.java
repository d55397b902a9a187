package dev.jgrad.autograd;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;

/**
 * The kernel of a view op of one input (permute, slice, expand, reshape, ...): it moves no data,
 * it says where the output's elements sit in the input's buffer. The dispatcher makes the output a tensor over
 * the input's buffer with that layout, sharing its in-place version; the input reaches this
 * kernel as it is, a view included, which is how views of views compose.
 *
 * <pre>{@code
 * // swap the first two axes of a rank-2 input
 * (ViewKernel) (in, inShape, outShape, attrs) ->
 *     StridedLayout.of(in.offset(), in.stride(1), in.stride(0))
 * }</pre>
 */
@FunctionalInterface
public interface ViewKernel extends Kernel {
  /**
   * The output's layout, given the input's layout and shape and the output's shape from the shape
   * rule; or null when the input's layout cannot be viewed so (a reshape of a permuted view):
   * the output is then a dense copy of the input's elements in the output's shape, of the same
   * size.
   */
  StridedLayout view(StridedLayout in, Shape inShape, Shape outShape, Attrs attrs);

  /** A view kernel runs through {@link Ops}, which owns the buffers; never on raw buffers. */
  @Override
  default void compute(KernelCall call) {
    throw new UnsupportedOperationException(
        "a ViewKernel runs through dev.jgrad.autograd.Ops, not on raw buffers");
  }
}
