package dev.jgrad.nn;

/**
 * The geometry of a sliding-window layer ({@link Conv2d}, {@link MaxPool2d}, {@link AvgPool2d}):
 * its kernel, stride and padding (on each side), each {@code [height, width]}. For tools that
 * read layers, such as the ONNX exporter; the arrays are copies.
 */
public record Window2d(int[] kernel, int[] stride, int[] padding) {
  public Window2d {
    kernel = kernel.clone();
    stride = stride.clone();
    padding = padding.clone();
  }

  @Override
  public int[] kernel() {
    return kernel.clone();
  }

  @Override
  public int[] stride() {
    return stride.clone();
  }

  @Override
  public int[] padding() {
    return padding.clone();
  }
}
