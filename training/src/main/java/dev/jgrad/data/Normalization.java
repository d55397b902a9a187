package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;

/**
 * PyTorch's {@code transforms.Normalize((mean,), (std,))} on a gathered batch:
 * {@code (x - mean) / std} on every value, computed as {@code x.sub(mean).div(std)} computes it
 * ({@code x + (-mean)}, then times {@code 1 / std}), so a batch holds bit for bit what
 * normalising the whole data set with those ops gives. Like {@link GreyLevels} it works on the
 * batch's own buffer with the backend's primitives directly (data needs no graph), in place: two
 * passes over the batch, nothing allocated, nothing read to the host.
 */
final class Normalization {
  private final double mean;
  private final double std;

  Normalization(double mean, double std) {
    checkArgument(Double.isFinite(mean), "normalized(%s, %s): the mean must be a finite number",
        mean, std);
    checkArgument(Double.isFinite(std) && std > 0 && Double.isFinite(1 / std),
        "normalized(%s, %s): the standard deviation must be a positive finite number (not too "
            + "close to 0 to divide by), e.g. normalized(0.1307, 0.3081) for MNIST", mean, std);
    this.mean = mean;
    this.std = std;
  }

  /**
   * Normalises {@code owned} (dense, floating point, a buffer its caller owns: a gathered
   * batch's) in place and returns it.
   */
  Tensor applyInPlace(Tensor owned) {
    Backend backend = owned.backend();
    DeviceBuffer values = owned.buffer();
    backend.scalar(BinaryOp.ADD, values, -mean, values); // as Tensor.sub(mean): add(-mean)
    backend.scalar(BinaryOp.MUL, values, 1.0 / std, values); // as Tensor.div(std): mul(1 / std)
    return owned;
  }

  /** {@code values} normalised, a new tensor: {@code values.sub(mean).div(std)}, unrecorded. */
  Tensor copy(Tensor values) {
    try (NoGrad noGrad = NoGrad.scope()) {
      return values.sub(mean).div(std);
    }
  }

  @Override
  public String toString() {
    return "normalized (x - " + mean + ") / " + std;
  }
}
