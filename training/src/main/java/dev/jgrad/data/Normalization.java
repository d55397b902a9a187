package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * PyTorch's {@code transforms.Normalize((mean,), (std,))} on a gathered batch:
 * {@code (x - mean) / std} on every value, computed as {@code x.sub(mean).div(std)} computes it
 * ({@code x + (-mean)}, then times {@code 1 / std}), so a batch holds bit for bit what
 * normalising the whole data set with those ops gives. Like {@link GreyLevels} it works on the
 * batch's own buffer with the backend's primitives directly (data needs no graph), in place: two
 * passes over the batch, nothing allocated, nothing read to the host.
 *
 * <p>With a mean and deviation per channel ({@code Normalize(mean=(...), std=(...))}), each
 * sample's values are that many equal planes, channels first, and plane {@code c} is
 * {@code x.sub(mean[c]).div(std[c])}, bit for bit: the same float sum and product, broadcast over
 * the batch's planes (two tensors more a batch, copied back into it).
 *
 * <p>A service predicting for a model trained on a normalised data set applies the same
 * normalisation to its inputs, without the data set, and gets the training batches' values bit for
 * bit ({@code (float) ((x - mean) / std)} by hand misses many by an ulp):
 *
 * <pre>{@code
 * Normalization norm = Normalization.of(means, stds);  // the training set's normalized(...)
 * Tensor x = norm.apply(Tensor.of(pixels, 1, pixels.length));
 * }</pre>
 */
public final class Normalization {
  private final double mean;
  private final double std;
  /** A mean and deviation per channel, or null: one for every value. */
  private final double[] means;
  private final double[] stds;

  Normalization(double mean, double std) {
    checkArgument(Double.isFinite(mean), "normalized(%s, %s): the mean must be a finite number",
        mean, std);
    checkArgument(Double.isFinite(std) && std > 0 && Double.isFinite(1 / std),
        "normalized(%s, %s): the standard deviation must be a positive finite number (not too "
            + "close to 0 to divide by), e.g. normalized(0.1307, 0.3081) for MNIST", mean, std);
    this.mean = mean;
    this.std = std;
    this.means = null;
    this.stds = null;
  }

  /** {@code (x - mean) / std} on every value, as {@code Dataset.normalized(mean, std)}. */
  public static Normalization of(double mean, double std) {
    return new Normalization(mean, std);
  }

  /**
   * {@code (x - means[c]) / stds[c]} on channel {@code c} of each sample (channels first), as
   * {@code Dataset.normalized(means, stds)}; one of each is {@link #of(double, double)}.
   */
  public static Normalization of(double[] means, double[] stds) {
    return means != null && stds != null && means.length == 1 && stds.length == 1
        ? new Normalization(means[0], stds[0])
        : new Normalization(means, stds, "Normalization.of(" + Arrays.toString(means) + ", "
            + Arrays.toString(stds) + ")");
  }

  /**
   * {@code inputs} ({@code [n, ...]}, floating point) normalised, a new tensor, unrecorded: the
   * values a data set normalised alike gives its batches of the same inputs, bit for bit.
   */
  public Tensor apply(Tensor inputs) {
    checkNotNull(inputs, "inputs is null");
    checkArgument(inputs.rank() >= 1 && inputs.dtype().isFloatingPoint(), "%s: inputs %s are "
        + "not [n, ...] floating point; e.g. one image: Tensor.of(pixels, 1, pixels.length)",
        this, inputs.spec());
    long perSample = inputs.shape().dim(0) == 0 ? 0 : inputs.size() / inputs.shape().dim(0);
    String misfit = misfit(perSample);
    checkArgument(misfit == null, "%s: inputs %s: %s", this, inputs.spec(), misfit);
    return copy(inputs);
  }

  /**
   * One mean and deviation per channel: 2 or more of each (one: the constructor above);
   * {@code call} names the call made in errors.
   */
  Normalization(double[] means, double[] stds, String call) {
    checkArgument(means != null && stds != null && means.length == stds.length
        && means.length >= 2, "%s: pass a mean and a standard deviation for each channel, e.g. "
        + "normalized(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}) for "
        + "RGB", call);
    for (int c = 0; c < means.length; c++) {
      checkArgument(Double.isFinite(means[c]), "%s: the mean of channel %s (feature %s of a "
          + "table's rows) is %s; each mean must be a finite number", call, c, c, means[c]);
      // a table's constant column (std 0) is the usual cause: it carries nothing to learn from
      checkArgument(Double.isFinite(stds[c]) && stds[c] > 0 && Double.isFinite(1 / stds[c]),
          "%s: channel %s (feature %s of a table's rows) has standard deviation %s; %s", call, c,
          c, stds[c], stds[c] == 0 ? "a constant feature: drop that column, or pass std 1 for it"
              + " (it is then only centred)" : "each must be a positive finite number (not too "
              + "close to 0 to divide by)");
    }
    this.mean = Double.NaN;
    this.std = Double.NaN;
    this.means = means.clone();
    this.stds = stds.clone();
  }

  /**
   * Why samples of {@code valuesPerSample} values cannot be normalised per channel, or null when
   * they can (or there is one mean).
   */
  String misfit(long valuesPerSample) {
    if (means == null || valuesPerSample % means.length == 0) {
      return null;
    }
    return "samples of " + valuesPerSample + " values do not split into " + means.length
        + " equal channels; pass one mean and deviation per channel of the inputs";
  }

  /**
   * Normalises {@code owned} (dense, floating point, a buffer its caller owns: a gathered
   * batch's) in place and returns it.
   */
  Tensor applyInPlace(Tensor owned) {
    Backend backend = owned.backend();
    DeviceBuffer values = owned.buffer();
    if (means != null) {
      Tensor normalized = copy(owned);
      backend.copy(normalized.buffer(), 0, values, 0, owned.size());
      normalized.buffer().close();
      return owned;
    }
    backend.scalar(BinaryOp.ADD, values, -mean, values); // as Tensor.sub(mean): add(-mean)
    backend.scalar(BinaryOp.MUL, values, 1.0 / std, values); // as Tensor.div(std): mul(1 / std)
    return owned;
  }

  /** {@code values} normalised, a new tensor: {@code values.sub(mean).div(std)}, unrecorded. */
  Tensor copy(Tensor values) {
    try (NoGrad noGrad = NoGrad.scope()) {
      if (means == null) {
        return values.sub(mean).div(std);
      }
      // [n, channels, plane] + (-mean) [channels, 1], then * (1 / std): as sub and div per plane
      int channels = means.length;
      double[] negated = new double[channels];
      double[] inverse = new double[channels];
      for (int c = 0; c < channels; c++) {
        negated[c] = -means[c];
        inverse[c] = 1.0 / stds[c];
      }
      try (Backends.Scope on = Backends.use(values.backend())) {
        // rounded to the inputs' dtype as the scalar ops round their operand
        Tensor shift = Tensor.of(negated, values.dtype(), channels, 1);
        Tensor scale = Tensor.of(inverse, values.dtype(), channels, 1);
        int n = values.shape().dim(0);
        Tensor planes = values.reshape(n, channels, -1);
        Tensor shifted = planes.add(shift);
        Tensor result = shifted.mul(scale).reshape(values.shape().dims());
        shifted.buffer().close();
        shift.buffer().close();
        scale.buffer().close();
        return result;
      }
    }
  }

  @Override
  public String toString() {
    return means == null ? "normalized (x - " + mean + ") / " + std
        : "normalized per channel (x - " + Arrays.toString(means) + ") / "
            + Arrays.toString(stds);
  }
}
