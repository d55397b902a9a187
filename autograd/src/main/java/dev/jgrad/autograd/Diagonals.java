package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;

/**
 * PyTorch's {@code torch.eye} and {@code torch.diag}. The diagonal matrix is written by the
 * padding trick (each value followed by n zeros, read n*n at a time), not as {@code x * eye},
 * so a NaN or infinity stays on the diagonal instead of spreading NaN over the row; taking a
 * diagonal is a strided slice of the flattened matrix. Gradients come from concat, reshape and
 * slice.
 */
final class Diagonals {
  private Diagonals() {}

  /** The {@code n x m} identity in {@code dtype}. */
  static Tensor eye(int n, int m, DType dtype) {
    checkArgument(n >= 0 && m >= 0, "eye: sizes %s x %s; give sizes >= 0", n, m);
    double[] v = new double[Math.multiplyExact(n, m)];
    for (int i = 0; i < Math.min(n, m); i++) {
      v[i * m + i] = 1;
    }
    return Tensor.of(v, dtype, n, m);
  }

  /**
   * For a vector, the square matrix with it on diagonal {@code k} (above the main one for k >
   * 0) and zeros elsewhere; for a matrix, its diagonal {@code k} as a vector.
   */
  static Tensor diag(Tensor x, int k) {
    int rank = x.shape().rank();
    checkArgument(rank == 1 || rank == 2, "diag: shape %s has rank %s; give a vector (to make a "
        + "diagonal matrix) or a matrix (to take a diagonal)", x.shape(), rank);
    return rank == 1 ? matrix(x, k) : diagonal(x, k);
  }

  private static Tensor matrix(Tensor x, int k) {
    int n = x.shape().dim(0);
    int pad = Math.abs(k);
    int m = Math.addExact(n, pad);
    Tensor square = n == 0 ? zeros(x, 0, 0) : Tensor.concat(1, x.reshape(n, 1), zeros(x, n, n))
        .reshape(n * (n + 1)).slice(0, 0, n * n, 1).reshape(n, n);
    if (pad == 0) {
      return square;
    }
    return k > 0
        ? Tensor.concat(0, Tensor.concat(1, zeros(x, n, pad), square), zeros(x, pad, m))
        : Tensor.concat(1, Tensor.concat(0, zeros(x, pad, n), square), zeros(x, m, pad));
  }

  private static Tensor diagonal(Tensor x, int k) {
    int r = x.shape().dim(0);
    int c = x.shape().dim(1);
    long length = Math.max(0, k >= 0 ? Math.min(r, (long) c - k) : Math.min((long) r + k, c));
    Tensor flat = x.reshape(r * c);
    if (length == 0) {
      return flat.slice(0, 0, 0, 1);
    }
    int start = Math.toIntExact(k >= 0 ? k : (long) -k * c);
    int stop = Math.toIntExact(start + (length - 1) * (c + 1) + 1);
    return flat.slice(0, start, stop, c + 1);
  }

  private static Tensor zeros(Tensor like, int rows, int cols) {
    return Tensor.zeros(like.dtype(), rows, cols).to(like.backend());
  }
}
