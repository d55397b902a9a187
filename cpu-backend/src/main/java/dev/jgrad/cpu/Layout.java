package dev.jgrad.cpu;

/**
 * Data movement that changes layout: axis-range copies (concat, slice), strided views made dense
 * and transposes.
 */
final class Layout {
  /** Side of the square tiles a transpose walks, so both source and target stay in cache. */
  private static final int TILE = 32;

  private Layout() {}

  /** {@code dst[o, dstStart + i, :] = src[o, srcStart + i, :]}: one contiguous copy per o. */
  static void copyAxisRange(CpuBuffer src, int srcAxis, int srcStart, CpuBuffer dst, int dstAxis,
      int dstStart, int outer, int count, int inner) {
    Object s = src.array();
    Object d = dst.array();
    int len = count * inner;
    for (int o = 0; o < outer; o++) {
      System.arraycopy(s, (o * srcAxis + srcStart) * inner, d, (o * dstAxis + dstStart) * inner,
          len);
    }
  }

  /**
   * {@code dst} dense row-major = the strided view of {@code src}: an odometer over every axis but
   * the last, and per row one arraycopy when the last stride is 1 (a slice, a permute that keeps
   * the last axis) or a strided loop otherwise.
   */
  static void copyStrided(CpuBuffer src, long srcOffset, long[] strides, int[] shape,
      CpuBuffer dst) {
    int rank = shape.length;
    int size = dst.size();
    if (size == 0) {
      return;
    }
    Object s = src.array();
    Object d = dst.array();
    int cols = rank == 0 ? 1 : shape[rank - 1];
    int step = rank == 0 ? 0 : (int) strides[rank - 1];
    int[] at = new int[Math.max(0, rank - 1)]; // the odometer over the leading axes
    int base = (int) srcOffset;
    for (int row = 0; row < size / cols; row++) {
      copyRow(s, base, step, d, row * cols, cols);
      for (int axis = rank - 2; axis >= 0; axis--) { // advance the odometer
        base += (int) strides[axis];
        if (++at[axis] < shape[axis]) {
          break;
        }
        base -= (int) (strides[axis] * shape[axis]);
        at[axis] = 0;
      }
    }
  }

  /** {@code d[to + i] = s[from + i * step]} for {@code i < n}, whatever the array type. */
  private static void copyRow(Object s, int from, int step, Object d, int to, int n) {
    if (step == 1) {
      System.arraycopy(s, from, d, to, n);
    } else if (s instanceof float[] f) {
      float[] o = (float[]) d;
      for (int i = 0; i < n; i++) {
        o[to + i] = f[from + i * step];
      }
    } else if (s instanceof double[] f) {
      double[] o = (double[]) d;
      for (int i = 0; i < n; i++) {
        o[to + i] = f[from + i * step];
      }
    } else if (s instanceof int[] f) {
      int[] o = (int[]) d;
      for (int i = 0; i < n; i++) {
        o[to + i] = f[from + i * step];
      }
    } else {
      byte[] f = (byte[]) s;
      byte[] o = (byte[]) d;
      for (int i = 0; i < n; i++) {
        o[to + i] = f[from + i * step];
      }
    }
  }

  /** {@code out[b, c, r] = x[b, r, c]}, tile by tile. */
  static void transpose(CpuBuffer x, int batch, int rows, int cols, CpuBuffer out) {
    int plane = rows * cols;
    DTypeKernels k = x.kernels();
    Object xs = k.array(x);
    Object os = k.array(out);
    for (int b = 0; b < batch; b++) {
      int base = b * plane;
      for (int r0 = 0; r0 < rows; r0 += TILE) {
        int r1 = Math.min(rows, r0 + TILE);
        for (int c0 = 0; c0 < cols; c0 += TILE) {
          int c1 = Math.min(cols, c0 + TILE);
          k.transposeTile(xs, os, base, rows, cols, r0, r1, c0, c1);
        }
      }
    }
  }
}
