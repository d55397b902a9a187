package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;

/** PyTorch's {@code arange} and {@code linspace}: 1-D tensors of evenly spaced values. */
final class Ranges {
  private Ranges() {}

  /** {@code start, start + step, ...} below {@code end} (above it for a negative step), INT32. */
  static Tensor arange(int start, int end, int step) {
    int n = Math.toIntExact(count(start, end, step));
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = start + i * step; // in [start, end): exact even where i * step wraps
    }
    return Tensor.indices(values);
  }

  /** As {@link #arange(int, int, int)} in {@code dtype}, each {@code start + i step} rounded. */
  static Tensor arange(double start, double end, double step, DType dtype) {
    int n = Math.toIntExact(count(start, end, step));
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = start + i * step;
    }
    return Tensor.of(values, dtype, n);
  }

  private static long count(double start, double end, double step) {
    checkArgument(Double.isFinite(start) && Double.isFinite(end) && Double.isFinite(step),
        "arange(%s, %s, %s): start, end and step must be finite", start, end, step);
    checkArgument(step != 0, "arange(%s, %s, %s): step must not be 0", start, end, step);
    checkArgument(step > 0 ? end >= start : end <= start, "arange(%s, %s, %s): a %s step never "
        + "reaches end from start; give a step of the other sign (or swap start and end)", start,
        end, step, step > 0 ? "positive" : "negative");
    double n = Math.ceil((end - start) / step);
    checkArgument(n <= Integer.MAX_VALUE - 8, "arange(%s, %s, %s): %s values are more than one "
        + "tensor holds; use a larger step", start, end, step, n);
    return (long) n;
  }

  /**
   * {@code steps} values from {@code start} to {@code end}, both included, in {@code dtype}:
   * PyTorch's formula (the first half counted up from start, the second down from end, so both
   * ends are exact), computed in double and rounded once.
   */
  static Tensor linspace(double start, double end, int steps, DType dtype) {
    checkNotNull(dtype, "linspace: dtype is null");
    checkArgument(Double.isFinite(start) && Double.isFinite(end),
        "linspace(%s, %s, %s): start and end must be finite", start, end, steps);
    checkArgument(steps >= 0, "linspace(%s, %s, %s): steps must be >= 0", start, end, steps);
    double[] values = new double[steps];
    double step = steps > 1 ? (end - start) / (steps - 1) : 0;
    int half = steps / 2;
    for (int i = 0; i < steps; i++) {
      values[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
    }
    if (steps == 1) {
      values[0] = start;
    }
    return Tensor.of(values, dtype, steps);
  }
}
