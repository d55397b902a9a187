package dev.jgrad.cpu;

import dev.jgrad.api.op.Conv2dGeometry;

/**
 * im2col and col2im of one sample by runs of an output row, for FLOAT32 and FLOAT64 arrays: the
 * column matrix {@code [c * kh * kw, oh * ow]} has row {@code (ch, i, j)}, and for one output row
 * {@code oy} that row's entries come from one input row, {@code ow} entries {@code sw} apart with
 * padding only at the two ends. So with stride 1 a run is one {@code System.arraycopy} (and
 * col2im's a loop the JIT vectorizes) instead of a table lookup per entry, which cost more than
 * the products themselves; where the output is as wide as the input ("same" padding) all of a
 * row's runs are one copy or one loop, the few entries between runs set apart. Entries are
 * visited in the column matrix's row-major order, so col2im sums in the same order as an
 * entry-by-entry scatter.
 */
final class Im2col {
  private Im2col() {}

  /**
   * Writes sample {@code x[xOff..]} ({@code [c, h, w]}) into columns {@code colOff..colOff +
   * oh*ow} of {@code col} (row stride {@code ldc}), 0 where a window covers padding.
   */
  static void gather(Conv2dGeometry g, Object x, int xOff, Object col, int colOff, int ldc) {
    int ow = g.ow();
    boolean rowsAlign = rowsAlign(g);
    int row = 0;
    for (int ch = 0; ch < g.c(); ch++) {
      for (int i = 0; i < g.kh(); i++) {
        for (int j = 0; j < g.kw(); j++, row++) {
          Runs runs = Runs.of(g, i, j);
          int lo = runs.lo;
          int hi = runs.hi;
          int oyLo = runs.oyLo;
          int oyHi = runs.oyHi;
          int dst0 = colOff + row * ldc;
          if (runs.empty()) {
            PatchLoops.zero(col, dst0, dst0 + g.outPlane());
            continue;
          }
          PatchLoops.zero(col, dst0, dst0 + oyLo * ow);
          PatchLoops.zero(col, dst0 + oyHi * ow, dst0 + g.oh() * ow);
          int src0 = xOff + runs.inputStart(g, ch, i, j);
          if (rowsAlign) {
            // consecutive runs are w apart in the input and in the columns alike: one copy,
            // then zero the entries between runs, which it filled from neighbouring input rows
            int from = dst0 + oyLo * ow + lo;
            System.arraycopy(x, src0, col, from, (oyHi - oyLo - 1) * ow + hi - lo);
            zeroBetweenRuns(col, dst0, ow, oyLo, oyHi, lo, hi);
            continue;
          }
          for (int oy = oyLo; oy < oyHi; oy++) {
            int dst = dst0 + oy * ow;
            int src = src0 + (oy - oyLo) * g.sh() * g.w();
            PatchLoops.zero(col, dst, dst + lo);
            if (g.sw() == 1) {
              System.arraycopy(x, src, col, dst + lo, hi - lo);
            } else {
              strided(x, src, g.sw(), col, dst + lo, hi - lo);
            }
            PatchLoops.zero(col, dst + hi, dst + ow);
          }
        }
      }
    }
  }

  /**
   * Adds columns {@code colOff..colOff + oh*ow} of {@code col} (row stride {@code ldc}) into
   * sample {@code dx[xOff..]} ({@code [c, h, w]}) where the windows read it; padding is dropped
   * (and, with "same" padding, its entries in {@code col} set to 0 on the way: col is scratch).
   */
  static void scatterAdd(Conv2dGeometry g, Object col, int colOff, int ldc, Object dx, int xOff) {
    int ow = g.ow();
    boolean rowsAlign = rowsAlign(g);
    int row = 0;
    for (int ch = 0; ch < g.c(); ch++) {
      for (int i = 0; i < g.kh(); i++) {
        for (int j = 0; j < g.kw(); j++, row++) {
          Runs runs = Runs.of(g, i, j);
          if (runs.empty()) {
            continue;
          }
          int lo = runs.lo;
          int hi = runs.hi;
          int oyLo = runs.oyLo;
          int oyHi = runs.oyHi;
          int src0 = colOff + row * ldc;
          int dst = xOff + runs.inputStart(g, ch, i, j);
          if (rowsAlign) {
            // the scratch's entries between runs read padding: zeroed, one add covers the runs
            zeroBetweenRuns(col, src0, ow, oyLo, oyHi, lo, hi);
            add(col, src0 + oyLo * ow + lo, dx, dst, 1, (oyHi - oyLo - 1) * ow + hi - lo);
            continue;
          }
          for (int oy = oyLo; oy < oyHi; oy++) {
            add(col, src0 + oy * ow + lo, dx, dst + (oy - oyLo) * g.sh() * g.w(), g.sw(),
                hi - lo);
          }
        }
      }
    }
  }

  /** Stride 1 and an output as wide as the input: a row's runs sit {@code w} apart on both sides. */
  private static boolean rowsAlign(Conv2dGeometry g) {
    return g.sw() == 1 && g.sh() == 1 && g.ow() == g.w();
  }

  /**
   * Zeroes, in output rows {@code oyLo..oyHi} of a column row starting at {@code d0}, the
   * entries before {@code lo} and from {@code hi} on: those whose window entry is padding.
   */
  private static void zeroBetweenRuns(Object col, int d0, int ow, int oyLo, int oyHi, int lo,
      int hi) {
    if (col instanceof float[] f) {
      for (int oy = oyLo; oy < oyHi; oy++) {
        int d = d0 + oy * ow;
        for (int k = 0; k < lo; k++) {
          f[d + k] = 0f;
        }
        for (int k = hi; k < ow; k++) {
          f[d + k] = 0f;
        }
      }
    } else {
      double[] a = (double[]) col;
      for (int oy = oyLo; oy < oyHi; oy++) {
        int d = d0 + oy * ow;
        for (int k = 0; k < lo; k++) {
          a[d + k] = 0.0;
        }
        for (int k = hi; k < ow; k++) {
          a[d + k] = 0.0;
        }
      }
    }
  }

  /**
   * Where window entry {@code (i, j)} lies inside the input: output columns {@code lo..hi} of
   * output rows {@code oyLo..oyHi}; elsewhere it covers padding.
   */
  private record Runs(int lo, int hi, int oyLo, int oyHi) {
    static Runs of(Conv2dGeometry g, int i, int j) {
      return new Runs(firstInside(j, g.pw(), g.sw()), endInside(j, g.pw(), g.sw(), g.w(), g.ow()),
          firstInside(i, g.ph(), g.sh()), endInside(i, g.ph(), g.sh(), g.h(), g.oh()));
    }

    boolean empty() {
      return lo >= hi || oyLo >= oyHi;
    }

    /** The offset in a sample of channel {@code ch}'s input entry under the first run's start. */
    int inputStart(Conv2dGeometry g, int ch, int i, int j) {
      return (ch * g.h() + oyLo * g.sh() - g.ph() + i) * g.w() + lo * g.sw() - g.pw() + j;
    }

    /** The first output index (row or column) whose entry {@code k} lies inside the input. */
    private static int firstInside(int k, int pad, int stride) {
      int need = pad - k; // o * stride >= need
      return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output index whose entry {@code k} lies inside an input of {@code n}. */
    private static int endInside(int k, int pad, int stride, int n, int outN) {
      int limit = n - 1 + pad - k; // o * stride <= limit
      return limit < 0 ? 0 : Math.min(outN, limit / stride + 1);
    }
  }

  /** {@code dst[d + k] = src[s + k * step]} for {@code k < len}. */
  private static void strided(Object src, int s, int step, Object dst, int d, int len) {
    if (src instanceof float[] sf) {
      float[] df = (float[]) dst;
      for (int k = 0; k < len; k++) {
        df[d + k] = sf[s + k * step];
      }
    } else {
      double[] sd = (double[]) src;
      double[] dd = (double[]) dst;
      for (int k = 0; k < len; k++) {
        dd[d + k] = sd[s + k * step];
      }
    }
  }

  /** {@code dst[d + k * step] += src[s + k]} for {@code k < len}. */
  private static void add(Object src, int s, Object dst, int d, int step, int len) {
    if (src instanceof float[] sf) {
      float[] df = (float[]) dst;
      if (step == 1) {
        for (int k = 0; k < len; k++) {
          df[d + k] += sf[s + k];
        }
      } else {
        for (int k = 0; k < len; k++) {
          df[d + k * step] += sf[s + k];
        }
      }
    } else {
      double[] sd = (double[]) src;
      double[] dd = (double[]) dst;
      for (int k = 0; k < len; k++) {
        dd[d + k * step] += sd[s + k];
      }
    }
  }
}
