package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostArrays;
import dev.jgrad.autograd.Tensor;
import java.util.Random;

/**
 * How a weight matrix {@code [fanIn, fanOut]} starts. Every initializer draws from the
 * {@link Random} it is given, so the same seed gives the same network.
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Tensor w = Init.he().weights(784, 100, DType.FLOAT32, random);   // std sqrt(2 / 784)
 * }</pre>
 *
 * <p>The standard deviations are the book's (Deep Learning from Scratch, 6.2): a fixed 0.01,
 * Xavier {@code sqrt(1 / fanIn)} for sigmoid and tanh, He {@code sqrt(2 / fanIn)} for ReLU.
 * {@link #glorot()} is Glorot and Bengio's original {@code sqrt(2 / (fanIn + fanOut))}.
 * {@link #kaimingUniform()} is PyTorch's default for {@code nn.Linear}, uniform rather than normal.
 * Each prints as its factory's name ({@code he}, {@code normal(0.01)}), for labels and errors.
 */
@FunctionalInterface
public interface Init {
  /** Standard deviation of the normal distribution for a layer with these fans. */
  double std(int fanIn, int fanOut);

  /** A {@code [fanIn, fanOut]} tensor of normal samples with {@link #std}. */
  default Tensor weights(int fanIn, int fanOut, DType dtype, Random random) {
    int count = weightCount(fanIn, fanOut);
    checkNotNull(random, "random is null; pass a seeded java.util.Random");
    double std = std(fanIn, fanOut);
    checkArgument(std >= 0 && Double.isFinite(std), "Init %s gave std %s for a %s x %s layer; it "
        + "must be finite and at least 0", this, std, fanIn, fanOut);
    double[] w = HostArrays.doubles(count,
        () -> "in the " + this + " weights of a " + fanIn + " x " + fanOut + " layer");
    for (int i = 0; i < w.length; i++) {
      w[i] = std * random.nextGaussian();
    }
    // Built on the host, not by an op, so that no TensorScope can claim a parameter.
    return Tensor.of(w, dtype, fanIn, fanOut);
  }

  /**
   * A bias of {@code fanOut} values for a layer with these fans: zeros, as the book has them,
   * except for {@link #kaimingUniform()}, whose bias is uniform as PyTorch's {@code nn.Linear}'s.
   */
  default Tensor bias(int fanIn, int fanOut, DType dtype, Random random) {
    weightCount(fanIn, fanOut);
    return Tensor.zeros(dtype, fanOut);
  }

  /** {@code fanIn * fanOut}, or a clear error when a layer of these sizes cannot exist. */
  static int weightCount(int fanIn, int fanOut) {
    checkArgument(fanIn > 0 && fanOut > 0, "a layer needs positive sizes, got %s x %s", fanIn,
        fanOut);
    long count = (long) fanIn * fanOut;
    checkArgument(count <= Integer.MAX_VALUE, "a layer of %s x %s has %s weights, more than one"
        + " tensor holds (%s); use smaller layers", fanIn, fanOut, count, Integer.MAX_VALUE);
    return (int) count;
  }

  /** Normal with a fixed standard deviation; the book's first networks use 0.01. */
  static Init normal(double std) {
    checkArgument(std > 0 && Double.isFinite(std), "std must be positive and finite, got %s", std);
    return new NormalInit("normal(" + std + ")", (fanIn, fanOut) -> std);
  }

  /** The book's Xavier initializer for sigmoid and tanh: std {@code sqrt(1 / fanIn)}. */
  static Init xavier() {
    return new NormalInit("xavier", (fanIn, fanOut) -> Math.sqrt(1.0 / fanIn));
  }

  /** Glorot and Bengio's normal initializer: std {@code sqrt(2 / (fanIn + fanOut))}. */
  static Init glorot() {
    return new NormalInit("glorot", (fanIn, fanOut) -> Math.sqrt(2.0 / (fanIn + fanOut)));
  }

  /** He's initializer for ReLU: std {@code sqrt(2 / fanIn)}. */
  static Init he() {
    return new NormalInit("he", (fanIn, fanOut) -> Math.sqrt(2.0 / fanIn));
  }

  /**
   * PyTorch's default for {@code nn.Linear}: {@code kaiming_uniform_(a=sqrt(5))}, weights uniform
   * in {@code [-1/sqrt(fanIn), 1/sqrt(fanIn))} (std {@code 1/sqrt(3 fanIn)}), and a bias uniform in
   * the same range.
   */
  static Init kaimingUniform() {
    return KaimingUniform.INSTANCE;
  }
}
