package dev.jgrad.autograd;

import static dev.jgrad.autograd.GeluApproximation.KAPPA;
import static dev.jgrad.autograd.GeluApproximation.SQRT1_2;
import static dev.jgrad.autograd.GeluApproximation.SQRT_2_OVER_PI;

/**
 * GELU composed of tensor ops, in PyTorch's order of operations (its CPU kernels in
 * aten/src/ATen/native/cpu/Activation.cpp), so the values agree with PyTorch's (ErfGeluTest) and
 * the gradient comes from the parts' rules.
 */
final class Gelu {
  private Gelu() {}

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
