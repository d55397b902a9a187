package dev.jgrad.autograd;

/**
 * Which GELU {@link Tensor#gelu(GeluApproximation)} computes, as PyTorch's
 * {@code approximate='none'} and {@code 'tanh'}.
 */
public enum GeluApproximation {
  /** The exact form {@code x/2 (1 + erf(x / sqrt 2))}, PyTorch's default. */
  NONE,
  /** {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as the original GPT and BERT used. */
  TANH;

  /** 1/sqrt(2) (C's M_SQRT1_2), the exact form's scale inside erf. */
  public static final double SQRT1_2 = 0.70710678118654752440;
  /** sqrt(2/pi), the tanh form's scale, as PyTorch's kBeta = M_SQRT2 * M_2_SQRTPI * 0.5. */
  public static final double SQRT_2_OVER_PI = 1.41421356237309504880 * 1.12837916709551257390
      * 0.5;
  /** The weight of x^3 in the tanh form. */
  public static final double KAPPA = 0.044715;
}
