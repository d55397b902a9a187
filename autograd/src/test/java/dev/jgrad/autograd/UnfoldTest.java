package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.ops.ConvOps;
import dev.jgrad.autograd.ops.Unfold;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Unfold.unfold}/{@code fold} against PyTorch 2.13's {@code F.unfold}/{@code F.fold} and
 * the book's {@code im2col} (common/util.py), on inputs {@code (i * 0.37) % 1.9 - 0.8} in float64.
 */
class UnfoldTest {
  private static final int[] KERNEL = {3, 2};
  private static final int[] STRIDE = {2, 1};
  private static final int[] PADDING = {1, 0};

  private static Tensor ramp(double step, double mod, double shift, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i * step) % mod - shift;
    }
    return Tensor.of(v, shape);
  }

  /** F.unfold(x, (3, 2), padding=(1, 0), stride=(2, 1)) of x [1, 2, 4, 5]. */
  private static final double[] TORCH_COLS = {0, 0, 0, 0, 1.05, -0.48, -0.11, 0.26, 0, 0, 0, 0,
      -0.48, -0.11, 0.26, 0.63, -0.8, -0.43, -0.06, 0.31, 1, -0.53, -0.16, 0.21, -0.43, -0.06,
      0.31, 0.68, -0.53, -0.16, 0.21, 0.58, 1.05, -0.48, -0.11, 0.26, 0.95, -0.58, -0.21, 0.16,
      -0.48, -0.11, 0.26, 0.63, -0.58, -0.21, 0.16, 0.53, 0, 0, 0, 0, 0.85, -0.68, -0.31, 0.06, 0,
      0, 0, 0, -0.68, -0.31, 0.06, 0.43, 0.9, -0.63, -0.26, 0.11, 0.8, -0.73, -0.36, 0.01, -0.63,
      -0.26, 0.11, 0.48, -0.73, -0.36, 0.01, 0.38, 0.85, -0.68, -0.31, 0.06, 0.75, -0.78, -0.41,
      -0.04, -0.68, -0.31, 0.06, 0.43, -0.78, -0.41, -0.04, 0.33};
  /** x.grad of (cols * w).sum(), w = (i * 0.13) % 0.7 - 0.3: F.fold(w, (4, 5), ...) too. */
  private static final double[] TORCH_GRAD = {0.38, -0.17, 0.09, 0.35, -0.29, 0.58, 0, -0.18,
      0.34, 0.64, 0.2, 0.17, -0.27, -0.01, 0.23, 0.18, 0.13, -0.31, -0.05, 0.21, 0.32, -0.29,
      -0.03, 0.23, 0.35, 0.46, -0.24, -0.42, 0.1, 0.52, 0.14, 0.05, -0.39, -0.13, 0.17, 0.12,
      0.01, 0.27, -0.17, 0.15};

  @Test
  void unfoldIsTorchsAndItsGradientIsFold() {
    Tensor x = ramp(0.37, 1.9, 0.8, 1, 2, 4, 5).requiresGrad(true);
    Tensor cols = Unfold.unfold(x, KERNEL, STRIDE, PADDING);
    assertArrayEquals(new int[] {1, 12, 8}, cols.shape().dims());
    assertArrayEquals(TORCH_COLS, cols.toDoubleArray(), 1e-12);
    Tensor w = ramp(0.13, 0.7, 0.3, 1, 12, 8);
    cols.mul(w).sum().backward();
    assertArrayEquals(TORCH_GRAD, x.grad().toDoubleArray(), 1e-12);
    Tensor folded = Unfold.fold(w, new int[] {4, 5}, KERNEL, STRIDE, PADDING);
    assertArrayEquals(new int[] {1, 2, 4, 5}, folded.shape().dims());
    assertArrayEquals(TORCH_GRAD, folded.toDoubleArray(), 1e-12);
  }

  @Test
  void bothPassGradCheck() {
    Tensor x = ramp(0.37, 1.9, 0.8, 2, 2, 4, 5);
    assertTrue(GradCheck.gradCheck(in -> Unfold.unfold(in.get(0), KERNEL, STRIDE, PADDING)
        .pow(2).sum(), List.of(x)).passed());
    Tensor c = ramp(0.13, 0.7, 0.3, 2, 12, 8);
    assertTrue(GradCheck.gradCheck(in -> Unfold.fold(in.get(0), new int[] {4, 5}, KERNEL, STRIDE,
        PADDING).pow(2).sum(), List.of(c)).passed());
  }

  /** numpy's im2col(x, 3, 3, stride=2, pad=1) (the book's code) of x [2, 2, 5, 5]: [18, 18]. */
  private static final double[] BOOK_IM2COL = {
      0, 0, 0, 0, -0.8, -0.43, 0, 1.05, -0.48, 0, 0, 0, 0, 0.85, -0.68, 0, 0.8, -0.73, 0, 0, 0,
      -0.43, -0.06, 0.31, -0.48, -0.11, 0.26, 0, 0, 0, -0.68, -0.31, 0.06, -0.73, -0.36, 0.01, 0,
      0, 0, 0.31, 0.68, 0, 0.26, 0.63, 0, 0, 0, 0, 0.06, 0.43, 0, 0.01, 0.38, 0, 0, 1.05, -0.48,
      0, 1, -0.53, 0, 0.95, -0.58, 0, 0.8, -0.73, 0, 0.75, -0.78, 0, 0.7, 1.07, -0.48, -0.11,
      0.26, -0.53, -0.16, 0.21, -0.58, -0.21, 0.16, -0.73, -0.36, 0.01, -0.78, -0.41, -0.04, 1.07,
      -0.46, -0.09, 0.26, 0.63, 0, 0.21, 0.58, 0, 0.16, 0.53, 0, 0.01, 0.38, 0, -0.04, 0.33, 0,
      -0.09, 0.28, 0, 0, 0.95, -0.58, 0, 0.9, -0.63, 0, 0, 0, 0, 0.7, 1.07, 0, 0.65, 1.02, 0, 0,
      0, -0.58, -0.21, 0.16, -0.63, -0.26, 0.11, 0, 0, 0, 1.07, -0.46, -0.09, 1.02, -0.51, -0.14,
      0, 0, 0, 0.16, 0.53, 0, 0.11, 0.48, 0, 0, 0, 0, -0.09, 0.28, 0, -0.14, 0.23, 0, 0, 0, 0, 0,
      0, 0, 0, 0.6, 0.97, 0, 0.55, 0.92, 0, 0, 0, 0, 0.35, 0.72, 0, 0.3, 0.67, 0, 0, 0, 0.97,
      -0.56, -0.19, 0.92, -0.61, -0.24, 0, 0, 0, 0.72, 1.09, -0.44, 0.67, 1.04, -0.49, 0, 0, 0,
      -0.19, 0.18, 0, -0.24, 0.13, 0, 0, 0, 0, -0.44, -0.07, 0, -0.49, -0.12, 0, 0, 0.55, 0.92, 0,
      0.5, 0.87, 0, 0.45, 0.82, 0, 0.3, 0.67, 0, 0.25, 0.62, 0, 0.2, 0.57, 0.92, -0.61, -0.24,
      0.87, -0.66, -0.29, 0.82, -0.71, -0.34, 0.67, 1.04, -0.49, 0.62, 0.99, -0.54, 0.57, 0.94,
      -0.59, -0.24, 0.13, 0, -0.29, 0.08, 0, -0.34, 0.03, 0, -0.49, -0.12, 0, -0.54, -0.17, 0,
      -0.59, -0.22, 0, 0, 0.45, 0.82, 0, 0.4, 0.77, 0, 0, 0, 0, 0.2, 0.57, 0, 0.15, 0.52, 0, 0, 0,
      0.82, -0.71, -0.34, 0.77, -0.76, -0.39, 0, 0, 0, 0.57, 0.94, -0.59, 0.52, 0.89, -0.64, 0, 0,
      0, -0.34, 0.03, 0, -0.39, -0.02, 0, 0, 0, 0, -0.59, -0.22, 0, -0.64, -0.27, 0, 0, 0, 0};

  /** The book's layout: [N * L, C * kh * kw], rows over (n, oh, ow), columns over (c, i, j). */
  @Test
  void transposedAndReshapedItIsTheBooksIm2col() {
    Tensor x = ramp(0.37, 1.9, 0.8, 2, 2, 5, 5);
    Tensor book = Unfold.unfold(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1})
        .transpose(1, 2).reshape(18, 18);
    assertArrayEquals(BOOK_IM2COL, book.toDoubleArray(), 1e-12);
  }

  /** docs/book.md's convolution by im2col and a matrix product is conv2d's. */
  @Test
  void im2colTimesTheFiltersIsTheConvolution() {
    Tensor x = ramp(0.37, 1.9, 0.8, 2, 2, 5, 5);
    Tensor w = ramp(0.29, 1.3, 0.6, 4, 2, 3, 3);
    Tensor col = Unfold.unfold(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1})
        .transpose(1, 2).reshape(2 * 3 * 3, 2 * 3 * 3);
    Tensor out = col.matmul(w.reshape(4, 2 * 3 * 3).transpose()).reshape(2, 3, 3, 4)
        .permute(0, 3, 1, 2);
    Tensor conv = ConvOps.conv2d(x, w, null, new int[] {2, 2}, new int[] {1, 1});
    assertArrayEquals(conv.toDoubleArray(), out.contiguous().toDoubleArray(), 1e-12);
  }

  @Test
  void badArgumentsSayWhatWasWrong() {
    Tensor x = ramp(0.37, 1.9, 0.8, 1, 2, 4, 5);
    assertEquals("unfold: needs an input [batch, channels, height, width], got [2, 4, 5] "
        + "(reshape it, e.g. MNIST rows to [N, 1, 28, 28])",
        assertThrows(IllegalArgumentException.class, () -> Unfold.unfold(x.reshape(2, 4, 5),
            KERNEL, STRIDE, PADDING)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Unfold.unfold(x,
        new int[] {7, 2}, STRIDE, PADDING)).getMessage().startsWith("unfold: kernel 7x2 is larger"));
    String m = assertThrows(IllegalArgumentException.class, () -> Unfold.fold(
        ramp(0.1, 1, 0, 1, 12, 7), new int[] {4, 5}, KERNEL, STRIDE, PADDING)).getMessage();
    assertTrue(m.startsWith("fold: cols [1, 12, 7] has 7 windows, but a 3x2 kernel over 4x5"), m);
  }
}
