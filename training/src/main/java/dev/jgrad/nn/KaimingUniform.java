package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostArrays;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * {@link Init#kaimingUniform()}: PyTorch's {@code kaiming_uniform_(a=sqrt(5))}, whose bound
 * {@code gain * sqrt(3 / fanIn)} with {@code gain = sqrt(2 / (1 + a^2))} is {@code 1/sqrt(fanIn)}.
 */
final class KaimingUniform implements Init {
  static final KaimingUniform INSTANCE = new KaimingUniform();

  private KaimingUniform() {}

  /** The half-width of the range. */
  static double bound(int fanIn) {
    return 1 / Math.sqrt(fanIn);
  }

  @Override
  public double std(int fanIn, int fanOut) {
    return bound(fanIn) / Math.sqrt(3); // of a uniform distribution over [-b, b)
  }

  @Override
  public Tensor weights(int fanIn, int fanOut, DType dtype, Random random) {
    return uniform(Init.weightCount(fanIn, fanOut), bound(fanIn), dtype, random, fanIn, fanOut);
  }

  @Override
  public Tensor bias(int fanIn, int fanOut, DType dtype, Random random) {
    Init.weightCount(fanIn, fanOut);
    return uniform(fanOut, bound(fanIn), dtype, random, fanOut);
  }

  private static Tensor uniform(int count, double bound, DType dtype, Random random,
      int... shape) {
    checkNotNull(random, "random is null; pass a seeded java.util.Random");
    double[] values = HostArrays.doubles(count,
        () -> "in the kaimingUniform draws of shape " + Arrays.toString(shape));
    for (int i = 0; i < count; i++) {
      values[i] = bound * (2 * random.nextDouble() - 1);
    }
    // Built on the host, not by an op, so that no TensorScope can claim a parameter.
    return Tensor.of(values, dtype, shape);
  }

  @Override
  public String toString() {
    return "kaimingUniform";
  }
}
