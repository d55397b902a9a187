package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PyTorch's {@code WeightedRandomSampler(weights, num_samples, replacement=True)} for a
 * {@link DataLoader} ({@link DataLoader.Builder#sampler}): each epoch draws {@code numSamples}
 * sample indices with replacement, sample {@code i} with probability
 * {@code weights[i] / sum(weights)}, so rare classes are seen as often as the weights say
 * (oversampling an imbalanced table). The draws of epoch {@code e} depend only on the loader's
 * seed and {@code e}, as its shuffles do: the same seed, the same batches, in a resumed run
 * too. Sampling without replacement is not offered.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(64)
 *     .sampler(WeightedRandomSampler.balancingClasses(train.targets())).build();
 * }</pre>
 */
public final class WeightedRandomSampler {
  /** Running sums of the weights: sample i is drawn for u in [cumulative[i-1], cumulative[i]). */
  private final double[] cumulative;
  private final int numSamples;

  private WeightedRandomSampler(double[] cumulative, int numSamples) {
    this.cumulative = cumulative;
    this.numSamples = numSamples;
  }

  /**
   * Draws {@code numSamples} (positive) indices an epoch, index {@code i} in proportion to
   * {@code weights[i]} (finite, not negative, not all 0; one per sample of the data set).
   */
  public static WeightedRandomSampler of(double[] weights, int numSamples) {
    checkNotNull(weights, "weights is null");
    checkArgument(weights.length > 0, "WeightedRandomSampler: no weights; pass one per sample");
    checkArgument(numSamples > 0, "WeightedRandomSampler: numSamples %s must be positive, e.g. "
        + "%s (the data set's size)", numSamples, weights.length);
    double[] cumulative = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      checkArgument(Double.isFinite(weights[i]) && weights[i] >= 0, "WeightedRandomSampler: "
          + "weight %s of sample %s must be a finite number >= 0", (Object) weights[i], (Object) i);
      sum += weights[i];
      cumulative[i] = sum;
    }
    checkArgument(sum > 0 && Double.isFinite(sum), "WeightedRandomSampler: the weights add up to "
        + "%s; give some sample a positive weight (and keep their sum finite)", sum);
    return new WeightedRandomSampler(cumulative, numSamples);
  }

  /**
   * Weights that draw every class equally often: each sample {@code 1 / (its class's count)}
   * ({@code labels} INT32 {@code [n]}, a data set's targets), {@code n} draws an epoch.
   */
  public static WeightedRandomSampler balancingClasses(Tensor labels) {
    checkNotNull(labels, "labels is null");
    checkArgument(labels.dtype() == DType.INT32 && labels.rank() == 1, "WeightedRandomSampler: "
        + "labels %s are not class labels, INT32 [n]; pass a classification data set's targets",
        labels.spec());
    int[] y = labels.toIntArray();
    Map<Integer, Integer> counts = new HashMap<>();
    for (int label : y) {
      counts.merge(label, 1, Integer::sum);
    }
    double[] weights = new double[y.length];
    Arrays.setAll(weights, i -> 1.0 / counts.get(y[i]));
    return of(weights, y.length);
  }

  /** Samples the weights are for: the data set's size. */
  public int size() {
    return cumulative.length;
  }

  /** Indices drawn an epoch. */
  public int numSamples() {
    return numSamples;
  }

  /** An epoch's {@code numSamples} indices, drawn with replacement, seeded by {@code seed}. */
  int[] draw(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double total = cumulative[cumulative.length - 1];
    int[] drawn = new int[numSamples];
    for (int k = 0; k < numSamples; k++) {
      // the product can round up to the total: kept below it, a last weight of 0 is never drawn
      drawn[k] = firstAbove(Math.min(random.nextDouble() * total, Math.nextDown(total)));
    }
    return drawn;
  }

  /** The first i with {@code cumulative[i] > u}: never a weight-0 sample. */
  private int firstAbove(double u) {
    int lo = 0;
    int hi = cumulative.length - 1; // cumulative[hi] = total > u
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "WeightedRandomSampler(" + cumulative.length + " weights, " + numSamples
        + " draws an epoch, with replacement)";
  }
}
