package dev.jgrad.examples.swish;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;

/**
 * Typed call site for the Swish plugin op.
 *
 * <pre>{@code
 * Tensor h = Swish.apply(x.matmul(w).add(b));        // beta = 1 (a.k.a. SiLU)
 * Tensor h2 = Swish.apply(x, 1.5);
 * }</pre>
 */
public final class Swish {
  private Swish() {}

  /** {@code x * sigmoid(x)}. */
  public static Tensor apply(Tensor x) {
    return apply(x, 1.0);
  }

  /** {@code x * sigmoid(beta * x)}. */
  public static Tensor apply(Tensor x, double beta) {
    return Ops.call(SwishOps.SWISH, Attrs.of("beta", beta), x);
  }
}
