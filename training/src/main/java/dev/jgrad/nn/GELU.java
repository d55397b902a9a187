package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.autograd.GeluApproximation;
import dev.jgrad.autograd.Tensor;

/**
 * The Gaussian error linear unit, as PyTorch's {@code nn.GELU(approximate='none' | 'tanh')}:
 * {@code x/2 (1 + erf(x / sqrt 2))}, or its tanh approximation ({@link Tensor#gelu}). Pair it
 * with {@link Init#he()} weights, as the ReLU family.
 */
public final class GELU extends Module {
  private final GeluApproximation approximation;

  /** The exact form, PyTorch's default. */
  public GELU() {
    this(GeluApproximation.NONE);
  }

  /** The exact form ({@link GeluApproximation#NONE}) or the tanh approximation. */
  public GELU(GeluApproximation approximation) {
    this.approximation = checkNotNull(approximation,
        "GELU: the approximation is null; pass GeluApproximation.NONE (exact) or TANH");
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.gelu(approximation);
  }

  /** Which form this layer computes. */
  public GeluApproximation approximation() {
    return approximation;
  }

  @Override
  public String toString() {
    return approximation == GeluApproximation.NONE ? "GELU" : "GELU(approximate=tanh)";
  }
}
