package dev.jgrad.autograd;

/**
 * GELU composed of tensor ops, in PyTorch's order of operations (its CPU kernels in
 * aten/src/ATen/native/cpu/Activation.cpp), so the values agree to a few ulps and the gradient
 * comes from the parts' rules.
 */
final class Gelu {
  private Gelu() {}

  /** 1/sqrt(2) (C's M_SQRT1_2). */
  private static final double SQRT1_2 = 0.70710678118654752440;
  /** sqrt(2/pi), PyTorch's kBeta = M_SQRT2 * M_2_SQRTPI * 0.5. */
  private static final double SQRT_2_OVER_PI = 1.41421356237309504880 * 1.12837916709551257390
      * 0.5;
  /** The cubic term's weight in the tanh approximation. */
  private static final double KAPPA = 0.044715;

  static Tensor of(Tensor x, GeluApproximation approximation) {
    if (approximation == GeluApproximation.TANH) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      Tensor inner = x.square().mul(x).mul(KAPPA).add(x).mul(SQRT_2_OVER_PI);
      return x.mul(0.5).mul(inner.tanh().add(1));
    }
    // x 0.5 (1 + erf(x / sqrt 2))
    return x.mul(0.5).mul(x.mul(SQRT1_2).erf().add(1));
  }
}
