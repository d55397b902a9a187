package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkNotNull;
import static dev.jgrad.api.op.AttrKeys.PADDING;
import static dev.jgrad.api.op.AttrKeys.STRIDE;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.autograd.Tensor;

/**
 * im2col and col2im as PyTorch's {@code F.unfold} and {@code F.fold} (the book's {@code im2col}
 * and {@code col2im}, 7.4.3), composed from slices, reshapes and concats, so both are
 * differentiable on every backend: unfold's gradient is fold and fold's is unfold.
 *
 * <pre>{@code
 * Tensor cols = Unfold.unfold(x, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0});
 * // x [N, C, H, W] -> cols [N, C * 5 * 5, L], L = oh * ow; the book's im2col(x, 5, 5) is
 * Tensor bookCols = cols.transpose(1, 2).reshape(-1, C * 5 * 5);  // [N * L, C * 5 * 5]
 * }</pre>
 *
 * Rows of {@code cols} run over channel, then window row, then window column (PyTorch's order,
 * and the book's columns); {@code L} over output row, then output column. Dilation is not
 * supported (PyTorch's default 1).
 */
public final class Unfold {
  static final String UNFOLD = "unfold";
  static final String FOLD = "fold";

  private Unfold() {}

  /**
   * The {@code kernel = [kh, kw]} windows of {@code x [N, C, H, W]}, moved by {@code stride} over
   * {@code x} zero-padded by {@code padding} on each side, as {@code [N, C * kh * kw, L]}:
   * {@code F.unfold(x, kernel, padding=padding, stride=stride)}.
   */
  public static Tensor unfold(Tensor x, int[] kernel, int[] stride, int[] padding) {
    checkNotNull(x, "unfold: x is null");
    Conv2dGeometry g = geometry(UNFOLD, x.shape(), kernel, stride, padding);
    return Patches.windows(x, g, 0).reshape(g.n(), g.c() * g.kh() * g.kw(), g.outPlane());
  }

  /**
   * The adjoint of {@link #unfold}: {@code cols [N, C * kh * kw, L]} summed back into an image
   * {@code [N, C, outputSize[0], outputSize[1]]}, entries of overlapping windows added (the
   * padding dropped): {@code F.fold(cols, outputSize, kernel, padding=padding, stride=stride)}.
   * {@code fold(unfold(x))} is {@code x} times the number of windows covering each entry.
   */
  public static Tensor fold(Tensor cols, int[] outputSize, int[] kernel, int[] stride,
      int[] padding) {
    checkNotNull(cols, "fold: cols is null");
    checkNotNull(outputSize, "fold: outputSize is null; pass the image's [height, width]");
    checkNotNull(kernel, "fold: kernel is null; pass [kh, kw]");
    Shape s = cols.shape();
    if (s.rank() != 3 || kernel.length != 2 || outputSize.length != 2 || kernel[0] < 1
        || kernel[1] < 1 || s.dim(1) % (kernel[0] * kernel[1]) != 0) {
      throw new IllegalArgumentException("fold: needs cols [N, C * kh * kw, L] and a kernel "
          + "[kh, kw] and outputSize [height, width] of positive sizes, got cols " + s
          + ", kernel " + java.util.Arrays.toString(kernel) + ", outputSize "
          + java.util.Arrays.toString(outputSize));
    }
    int c = s.dim(1) / (kernel[0] * kernel[1]);
    Conv2dGeometry g = geometry(FOLD, Shape.of(s.dim(0), c, outputSize[0], outputSize[1]),
        kernel, stride, padding);
    if (g.outPlane() != s.dim(2)) {
      throw new IllegalArgumentException("fold: cols " + s + " has " + s.dim(2) + " windows, but"
          + " a " + kernel[0] + "x" + kernel[1] + " kernel over " + outputSize[0] + "x"
          + outputSize[1] + " (stride " + java.util.Arrays.toString(stride) + ", padding "
          + java.util.Arrays.toString(padding) + ") has " + g.oh() + "x" + g.ow() + " = "
          + g.outPlane() + "; pass the outputSize, kernel, stride and padding unfold was given");
    }
    return Patches.fold(cols.reshape(g.n(), g.c(), g.kh() * g.kw(), g.outPlane()), g);
  }

  private static Conv2dGeometry geometry(String op, Shape x, int[] kernel, int[] stride,
      int[] padding) {
    checkNotNull(kernel, "%s: kernel is null; pass [kh, kw]", op);
    checkNotNull(stride, "%s: stride is null; pass [sh, sw], e.g. {1, 1}", op);
    checkNotNull(padding, "%s: padding is null; pass [ph, pw], e.g. {0, 0}", op);
    int c = x.rank() == 4 ? x.dim(1) : 0;
    return Conv2dGeometry.of(op, x, c, kernel, Attrs.of(STRIDE, stride, PADDING, padding));
  }
}
