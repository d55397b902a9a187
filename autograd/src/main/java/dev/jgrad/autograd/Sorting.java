package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Shape;
import java.util.Arrays;
import java.util.Comparator;

/**
 * PyTorch's {@code sort} and {@code topk}. The order is found on the host (one download of the
 * tensor; on a GPU a synchronisation) by a stable sort, and the values are
 * {@link Tensor#gather}ed by it on the tensor's backend, so their gradient is gather's: scattered
 * back to the chosen positions. The order is {@code torch.sort(stable=True)}'s: equal values
 * (0.0 and -0.0 too) keep their order, the lower index first, ascending or descending, and NaN
 * counts as larger than everything (last ascending, first descending).
 */
final class Sorting {
  /** {@link #firstK}'s k for every entry. */
  private static final int ALL = Integer.MIN_VALUE;
  /** Ascending; NaN after everything, NaNs equal; -0.0 equals 0.0. */
  private static final Comparator<Double> ASCENDING = (a, b) -> {
    boolean aNaN = Double.isNaN(a);
    boolean bNaN = Double.isNaN(b);
    if (aNaN || bNaN) {
      return Boolean.compare(aNaN, bNaN);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  };

  private Sorting() {}

  static ValuesAndIndices sort(Tensor x, int axis, boolean descending) {
    return firstK("sort", x, axis, ALL, descending);
  }

  static ValuesAndIndices topk(Tensor x, int k, int axis) {
    return firstK("topk", x, axis, k, true);
  }

  /** The first {@code k} ({@link #ALL}: every one) of each line along {@code axis} in sorted order. */
  private static ValuesAndIndices firstK(String op, Tensor x, int axis, int k,
      boolean descending) {
    Shape s = x.shape();
    checkArgument(x.dtype().isFloatingPoint(), "%s: dtype %s of shape %s; give a FLOAT32 or "
        + "FLOAT64 tensor (to(DType.FLOAT32) converts)", op, x.dtype(), s);
    if (s.rank() == 0) { // as PyTorch: a scalar sorts to itself, at index 0
      checkArgument(axis == 0 || axis == -1, "%s: axis %s of a scalar; a scalar has only axis 0 "
          + "(or -1)", op, axis);
      ValuesAndIndices one = firstK(op, x.reshape(1), 0, k, descending);
      return one.values().size() == 0 ? one
          : new ValuesAndIndices(one.values().reshape(), one.indices().reshape());
    }
    int a = Splits.axis(op, s, axis);
    int n = s.dim(a);
    int keep = k == ALL ? n : k;
    checkArgument(keep <= n, "%s: k %s is more than the %s entries along axis %s of shape %s; "
        + "give k from 0 to %s", op, k, n, axis, s, n);
    checkArgument(keep >= 0, "%s: k %s for shape %s; give k from 0 to %s", op, k, s, n);
    double[] v = x.toDoubleArray();
    int inner = s.inner(a);
    int outer = s.outer(a);
    int[] order = new int[outer * keep * inner];
    Integer[] line = new Integer[n];
    double[] values = new double[n];
    Comparator<Double> by = descending ? ASCENDING.reversed() : ASCENDING;
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        for (int j = 0; j < n; j++) {
          line[j] = j;
          values[j] = v[(o * n + j) * inner + i];
        }
        Arrays.sort(line, (p, q) -> by.compare(values[p], values[q])); // TimSort: stable
        for (int j = 0; j < keep; j++) {
          order[(o * keep + j) * inner + i] = line[j];
        }
      }
    }
    int[] dims = s.withDim(a, keep).dims();
    Tensor indices = Tensor.indices(order).reshape(dims).to(x.backend());
    return new ValuesAndIndices(x.gather(a, indices), indices);
  }
}
