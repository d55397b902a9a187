package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * The inverse of {@link Flatten}: keeps the batch axis and reshapes each sample's values to
 * {@code sizes}, e.g. flat image rows {@code [batch, 784]} to {@code [batch, 1, 28, 28]}
 * (PyTorch's {@code nn.Unflatten(1, sizes)}). No parameters; a reshape, no copy.
 *
 * <pre>{@code
 * new Unflatten(1, 28, 28).forward(x);   // [100, 784] -> [100, 1, 28, 28]
 * }</pre>
 */
public final class Unflatten extends Module {
  private final int[] sizes;

  public Unflatten(int... sizes) {
    checkArgument(sizes.length > 0 && Arrays.stream(sizes).allMatch(s -> s > 0),
        "Unflatten needs positive sizes, got %s", Arrays.toString(sizes));
    this.sizes = sizes.clone();
  }

  @Override
  public Tensor forward(Tensor x) {
    long perSample = Arrays.stream(sizes).asLongStream().reduce(1, (a, b) -> a * b);
    checkArgument(x.rank() >= 1 && x.size() == x.shape().dim(0) * perSample,
        "%s needs %s values per sample, got %s", this, perSample, x.shape());
    int[] shape = new int[sizes.length + 1];
    shape[0] = x.shape().dim(0);
    System.arraycopy(sizes, 0, shape, 1, sizes.length);
    return x.reshape(shape);
  }

  /** Each sample's shape after this layer. */
  public int[] sizes() {
    return sizes.clone();
  }

  @Override
  public String toString() {
    return "Unflatten" + Arrays.toString(sizes);
  }
}
