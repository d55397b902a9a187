package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;

/**
 * Gives flat rows a shape: {@code [batch, c * h * w]} to {@code [batch, c, h, w]}, e.g. MNIST's
 * 784-pixel rows to {@code [batch, 1, 28, 28]} images before a {@link Conv2d} (PyTorch's
 * {@code nn.Unflatten(1, shape)}). No parameters; a reshape, no copy.
 *
 * <pre>{@code
 * new Unflatten(1, 28, 28).forward(x);   // [100, 784] -> [100, 1, 28, 28]
 * }</pre>
 */
public final class Unflatten extends Module {
  private final int[] shape;
  private final long size;

  /** The shape of one sample, without the batch axis. */
  public Unflatten(int... shape) {
    checkArgument(shape != null && shape.length > 0 && Arrays.stream(shape).allMatch(d -> d > 0),
        "Unflatten needs a sample shape of positive sizes, got %s", Arrays.toString(shape));
    long n = 1;
    for (int d : shape) {
      n *= d;
      checkArgument(n <= Integer.MAX_VALUE, "Unflatten%s: a sample of more than %s values is"
          + " more than one tensor holds", Arrays.toString(shape), Integer.MAX_VALUE);
    }
    this.shape = shape.clone();
    this.size = n;
  }

  @Override
  public Tensor forward(Tensor x) {
    checkArgument(x.rank() == 2 && x.shape().dim(1) == size,
        "%s needs rows of %s values ([batch, %s]), got %s", this, size, size, x.shape());
    int[] dims = new int[shape.length + 1];
    dims[0] = x.shape().dim(0);
    System.arraycopy(shape, 0, dims, 1, shape.length);
    return x.reshape(dims);
  }

  /** The shape of one sample. */
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public String toString() {
    return "Unflatten" + Arrays.toString(shape);
  }
}
