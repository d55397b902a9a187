package dev.jgrad.cpu;

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
