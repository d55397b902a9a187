package dev.jgrad.nn;

import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Tensor;

/**
 * The rectified linear unit {@code max(0, x)}, the book's Relu layer.
 * Pair it with {@link Init#he()} weights.
 */
public final class ReLU extends Module implements FusesWithLinear {
  @Override
  public Tensor forward(Tensor x) {
    return x.relu();
  }

  @Override
  public FusedActivation fusedActivation() {
    return FusedActivation.RELU;
  }

  @Override
  public String toString() {
    return "ReLU";
  }
}
