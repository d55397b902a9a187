package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;

/** {@code x} where {@code x > 0}, else {@code slope * x}; keeps a small gradient for negatives. */
public final class LeakyReLU extends Module {
  /** PyTorch's default negative slope. */
  public static final double DEFAULT_SLOPE = 0.01;

  private final double slope;

  /** Slope {@value #DEFAULT_SLOPE}. */
  public LeakyReLU() {
    this(DEFAULT_SLOPE);
  }

  /** Slope {@code slope} in [0, 1), else an IllegalArgumentException. */
  public LeakyReLU(double slope) {
    checkArgument(slope >= 0 && slope < 1, "negative slope must be in [0, 1), got %s", slope);
    this.slope = slope;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.leakyRelu(slope);
  }

  /** The slope of negative inputs. */
  public double slope() {
    return slope;
  }

  @Override
  public String toString() {
    return "LeakyReLU(" + slope + ")";
  }
}
