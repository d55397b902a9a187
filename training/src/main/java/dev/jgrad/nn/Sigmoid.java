package dev.jgrad.nn;

import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Tensor;

/**
 * The logistic sigmoid {@code 1 / (1 + exp(-x))}, the book's Sigmoid layer.
 * Pair it with {@link Init#xavier()} weights.
 */
public final class Sigmoid extends Module implements FusesWithLinear {
  @Override
  public Tensor forward(Tensor x) {
    return x.sigmoid();
  }

  @Override
  public FusedActivation fusedActivation() {
    return FusedActivation.SIGMOID;
  }

  @Override
  public String toString() {
    return "Sigmoid";
  }
}
