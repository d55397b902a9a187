package dev.jgrad.api.op;

import java.util.List;

/**
 * Computes an op's output shape and dtype from its inputs, or throws an
 * {@link IllegalArgumentException} that names the op and the offending shapes.
 */
@FunctionalInterface
public interface ShapeRule {
  /**
   * The output's spec for these input specs and attributes; throws IllegalArgumentException naming
   * the op and the shapes when they do not fit.
   */
  TensorSpec infer(List<TensorSpec> inputs, Attrs attrs);
}
