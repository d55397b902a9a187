package dev.jgrad.cpu;

import dev.jgrad.api.DType;

/** Data movement that changes layout: axis-range copies (concat, slice) and transposes. */
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

  /** {@code out[b, c, r] = x[b, r, c]}, tile by tile. */
  static void transpose(CpuBuffer x, int batch, int rows, int cols, CpuBuffer out) {
    int plane = rows * cols;
    boolean f32 = x.dtype() == DType.FLOAT32;
    for (int b = 0; b < batch; b++) {
      int base = b * plane;
      for (int r0 = 0; r0 < rows; r0 += TILE) {
        int r1 = Math.min(rows, r0 + TILE);
        for (int c0 = 0; c0 < cols; c0 += TILE) {
          int c1 = Math.min(cols, c0 + TILE);
          if (f32) {
            transposeTile(x.floats(), out.floats(), base, rows, cols, r0, r1, c0, c1);
          } else {
            transposeTile(x.doubles(), out.doubles(), base, rows, cols, r0, r1, c0, c1);
          }
        }
      }
    }
  }

  private static void transposeTile(float[] x, float[] out, int base, int rows, int cols, int r0,
      int r1, int c0, int c1) {
    for (int r = r0; r < r1; r++) {
      for (int c = c0; c < c1; c++) {
        out[base + c * rows + r] = x[base + r * cols + c];
      }
    }
  }

  private static void transposeTile(double[] x, double[] out, int base, int rows, int cols,
      int r0, int r1, int c0, int c1) {
    for (int r = r0; r < r1; r++) {
      for (int c = c0; c < c1; c++) {
        out[base + c * rows + r] = x[base + r * cols + c];
      }
    }
  }
}
