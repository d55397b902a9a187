package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What {@link MaxPool2d} and {@link AvgPool2d} share: a window, a stride and a padding, each
 * {@code [height, width]}, checked when the layer is built; and the error wording of the image
 * layers, which names the layer as well as the op.
 */
public abstract class Pool2d extends Module {
  final int[] kernel;
  final int[] stride;
  final int[] padding;

  Pool2d(String layer, int[] kernel, int[] stride, int[] padding) {
    this.kernel = pair(layer, "kernel", kernel, 1);
    this.stride = pair(layer, "stride", stride, 1);
    this.padding = pair(layer, "padding", padding, 0);
    // in longs: twice a padding of 2^30 or more overflows an int to a negative, which passed
    checkArgument(2L * this.padding[0] <= this.kernel[0] && 2L * this.padding[1] <= this.kernel[1],
        "%s: padding %s is more than half the kernel %s; use at most half", layer,
        Arrays.toString(padding), Arrays.toString(kernel));
  }

  /** {@code values} as a checked {@code [height, width]} pair, each at least {@code min}. */
  static int[] pair(String layer, String what, int[] values, int min) {
    checkArgument(values != null && values.length == 2,
        "%s: %s needs two values [height, width], got %s", layer, what,
        Arrays.toString(values));
    checkArgument(values[0] >= min && values[1] >= min, "%s: %s %s must be at least %s", layer,
        what, Arrays.toString(values), min);
    return values.clone();
  }

  /** The window, stride and padding. */
  public Window2d window() {
    return new Window2d(kernel, stride, padding);
  }

  /** Runs an op of {@code layer}, so that a shape error names the layer too. */
  static Tensor named(Module layer, Supplier<Tensor> op) {
    try {
      return op.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + kernel[0] + "x" + kernel[1] + ", stride "
        + stride[0] + "x" + stride[1] + ", padding " + padding[0] + "x" + padding[1] + ")";
  }
}
