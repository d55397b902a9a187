package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.api.op.Conv2dGeometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2col}'s row runs against the definition, entry by entry, over random geometries:
 * "same" padding with stride 1 (every other trial), strides past the kernel, padding wider than
 * the kernel (rows all padding), non-square windows, offsets into larger arrays and a row stride
 * wider than the sample.
 */
class Im2colTest {
  @Test
  void gatherAndScatterAddEqualTheDefinitionEntryByEntry() {
    Random r = new Random(7);
    for (int trial = 0; trial < 400; trial++) {
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      int ph = r.nextInt(kh + 1);
      int pw = r.nextInt(kw + 1);
      if (trial % 2 == 0) { // "same" padding, stride 1: the one-copy-per-row path
        kh |= 1;
        kw |= 1;
        sh = 1;
        sw = 1;
        ph = kh / 2;
        pw = kw / 2;
      }
      int h = Math.max(1, kh - 2 * ph) + r.nextInt(7);
      int w = Math.max(1, kw - 2 * pw) + r.nextInt(7);
      int c = 1 + r.nextInt(3);
      int oh = (h + 2 * ph - kh) / sh + 1;
      int ow = (w + 2 * pw - kw) / sw + 1;
      Conv2dGeometry g = new Conv2dGeometry(1, c, h, w, 4, kh, kw, sh, sw, ph, pw, oh, ow);
      String where = "trial " + trial + " " + g;
      int xOff = r.nextInt(5);
      int colOff = r.nextInt(5);
      int plane = oh * ow;
      int ldc = plane + r.nextInt(4);
      int rows = c * kh * kw;

      float[] x = new float[xOff + c * h * w];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat() - 0.5f;
      }
      float[] col = new float[colOff + rows * ldc];
      java.util.Arrays.fill(col, Float.NaN); // every entry of the sample's columns gets written
      float[] want = col.clone();
      Im2col.gather(g, x, xOff, col, colOff, ldc);
      for (int row = 0; row < rows; row++) {
        for (int p = 0; p < plane; p++) {
          int src = source(g, row, p);
          want[colOff + row * ldc + p] = src < 0 ? 0f : x[xOff + src];
        }
      }
      assertArrayEquals(want, col, where);

      double[] cold = new double[colOff + rows * ldc];
      for (int i = 0; i < cold.length; i++) {
        cold[i] = r.nextGaussian();
      }
      double[] dx = new double[xOff + c * h * w];
      double[] dxWant = dx.clone();
      Im2col.scatterAdd(g, cold, colOff, ldc, dx, xOff);
      for (int row = 0; row < rows; row++) { // the definition, in the same order: bit-equal
        for (int p = 0; p < plane; p++) {
          int src = source(g, row, p);
          if (src >= 0) {
            dxWant[xOff + src] += cold[colOff + row * ldc + p];
          }
        }
      }
      assertArrayEquals(dxWant, dx, 0.0, where);

      double[] xd = new double[x.length];
      for (int i = 0; i < xd.length; i++) {
        xd[i] = x[i];
      }
      double[] colD = new double[col.length];
      Im2col.gather(g, xd, xOff, colD, colOff, ldc);
      for (int i = colOff; i < colOff + rows * ldc; i++) {
        if ((i - colOff) % ldc < plane) {
          assertArrayEquals(new double[] {col[i]}, new double[] {colD[i]}, 0.0, where);
        }
      }
    }
  }

  /** The input offset window row {@code row} reads at output position {@code p}, or -1. */
  private static int source(Conv2dGeometry g, int row, int p) {
    int ch = row / (g.kh() * g.kw());
    int i = row / g.kw() % g.kh();
    int j = row % g.kw();
    int iy = p / g.ow() * g.sh() - g.ph() + i;
    int ix = p % g.ow() * g.sw() - g.pw() + j;
    boolean inside = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
    return inside ? (ch * g.h() + iy) * g.w() + ix : -1;
  }
}
