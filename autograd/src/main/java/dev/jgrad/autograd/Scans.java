package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;

/**
 * PyTorch's {@code cumsum}, composed from slice, add and concat as a Hillis-Steele scan: ceil(log2
 * n) passes, each adding the running sums {@code 2^k} places back, so the work is O(N log n) and
 * each pass holds O(N) (never an n x n triangle). FLOAT32 is summed in FLOAT64 and rounded once,
 * as PyTorch's CPU kernel accumulates in double. The gradient, the reverse cumulative sum of the
 * output gradient, comes from the ops' own rules.
 */
final class Scans {
  private Scans() {}

  static Tensor cumsum(Tensor x, int axis) {
    Shape s = x.shape();
    checkArgument(x.dtype() == DType.FLOAT32 || x.dtype() == DType.FLOAT64, "cumsum: dtype %s of "
        + "shape %s; give a FLOAT32 or FLOAT64 tensor (to(DType.FLOAT32) converts)", x.dtype(), s);
    if (s.rank() == 0) { // as PyTorch: a scalar is its own sum, along dim 0 or -1
      checkArgument(axis == 0 || axis == -1, "cumsum: axis %s of a scalar; a scalar has only "
          + "axis 0 (or -1)", axis);
      return x.identity();
    }
    int a = Splits.axis("cumsum", s, axis);
    int n = s.dim(a);
    Tensor y = x.dtype() == DType.FLOAT32 ? x.to(DType.FLOAT64) : x.identity();
    for (int shift = 1; shift < n; shift *= 2) {
      Tensor tail = y.slice(a, shift, n, 1).add(y.slice(a, 0, n - shift, 1));
      y = Tensor.concat(a, y.slice(a, 0, shift, 1), tail);
    }
    return y.to(x.dtype());
  }
}
