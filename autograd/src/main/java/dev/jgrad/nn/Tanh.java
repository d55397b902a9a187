package dev.jgrad.nn;

import dev.jgrad.autograd.Tensor;

/** The hyperbolic tangent. Pair it with {@link Init#xavier()} weights. */
public final class Tanh extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return x.tanh();
  }

  @Override
  public String toString() {
    return "Tanh";
  }
}
