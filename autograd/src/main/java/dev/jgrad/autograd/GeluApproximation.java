package dev.jgrad.autograd;

/**
 * Which GELU {@link Tensor#gelu(GeluApproximation)} computes, as PyTorch's
 * {@code approximate='none'} and {@code 'tanh'}.
 */
public enum GeluApproximation {
  /** The exact form {@code x/2 (1 + erf(x / sqrt 2))}, PyTorch's default. */
  NONE,
  /** {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as the original GPT and BERT used. */
  TANH
}
