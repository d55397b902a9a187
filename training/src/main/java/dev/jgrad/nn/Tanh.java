package dev.jgrad.nn;

import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Tensor;

/** The hyperbolic tangent. Pair it with {@link Init#xavier()} weights. */
public final class Tanh extends Module implements FusesWithLinear {
  @Override
  public Tensor forward(Tensor x) {
    return x.tanh();
  }

  @Override
  public FusedActivation fusedActivation() {
    return FusedActivation.TANH;
  }

  @Override
  public String toString() {
    return "Tanh";
  }
}
