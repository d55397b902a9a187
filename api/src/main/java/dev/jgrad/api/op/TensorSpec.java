package dev.jgrad.api.op;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;

/** The static description of a tensor an op sees: its shape and dtype. */
public record TensorSpec(Shape shape, DType dtype) {
  @Override
  public String toString() {
    return dtype + shape.toString();
  }
}
