package dev.jgrad.nn;

import dev.jgrad.api.op.FusedActivation;

/**
 * An activation module that a {@link Sequential} may merge into the {@link Linear} before it:
 * {@code Linear, ReLU} then runs as {@code linear.forward(x, FusedActivation.RELU)}, the bias and
 * the activation in one op. Only jgrad's own final activation classes implement it, so the
 * merged forward is known to compute what the two modules would.
 */
interface FusesWithLinear {
  /** The activation this module computes, as the fused op names it. */
  FusedActivation fusedActivation();
}
