package dev.jgrad.cpu;

/**
 * The per-entry loops of the CPU's convolution and pooling kernels over a {@link PatchTable},
 * for FLOAT32 and FLOAT64 arrays (the same loop twice: Java has no generics over primitive
 * arrays, and a call per entry would stop the JIT vectorizing). Each takes the arrays as
 * {@code Object} and picks its loop once.
 */
final class PatchLoops {
  private PatchLoops() {}

  /**
   * {@code k} samples' {@code [f, plane]} blocks, from {@code src[off..]} one after the other,
   * side by side into {@code dst [f, k * plane]}: sample {@code s}'s row {@code r} at
   * {@code r * k * plane + s * plane}.
   */
  static void stack(Object src, int off, int f, int plane, int k, Object dst) {
    int cols = k * plane;
    for (int s = 0; s < k; s++) {
      for (int r = 0; r < f; r++) {
        System.arraycopy(src, off + (s * f + r) * plane, dst, r * cols + s * plane, plane);
      }
    }
  }

  /** The inverse of {@link #stack}: {@code src [f, k * plane]} to {@code k} samples at {@code off}. */
  static void unstack(Object src, int f, int plane, int k, Object dst, int off) {
    int cols = k * plane;
    for (int s = 0; s < k; s++) {
      for (int r = 0; r < f; r++) {
        System.arraycopy(src, r * cols + s * plane, dst, off + (s * f + r) * plane, plane);
      }
    }
  }

  /** {@code out[off + r * cols + j] += bias[r]}. */
  static void addBias(Object out, int off, int rows, int cols, Object bias) {
    if (out instanceof float[] of) {
      float[] b = (float[]) bias;
      for (int r = 0; r < rows; r++) {
        float v = b[r];
        int base = off + r * cols;
        for (int j = 0; j < cols; j++) {
          of[base + j] += v;
        }
      }
    } else {
      double[] od = (double[]) out;
      double[] b = (double[]) bias;
      for (int r = 0; r < rows; r++) {
        double v = b[r];
        int base = off + r * cols;
        for (int j = 0; j < cols; j++) {
          od[base + j] += v;
        }
      }
    }
  }

  /** Zeros {@code a[from, to)}. */
  static void zero(Object a, int from, int to) {
    if (a instanceof float[] af) {
      java.util.Arrays.fill(af, from, to, 0f);
    } else {
      java.util.Arrays.fill((double[]) a, from, to, 0.0);
    }
  }

  /** {@code acc[i] += src[i]} for {@code i < len}. */
  static void accumulate(Object acc, Object src, int len) {
    if (acc instanceof float[] af) {
      float[] s = (float[]) src;
      for (int i = 0; i < len; i++) {
        af[i] += s[i];
      }
    } else {
      double[] ad = (double[]) acc;
      double[] s = (double[]) src;
      for (int i = 0; i < len; i++) {
        ad[i] += s[i];
      }
    }
  }

  /**
   * The position in the plane at {@code xOff} of window {@code pos}'s first maximum (row-major,
   * as PyTorch picks; its first NaN when it holds one, see {@link #wins}), or -1 if the window
   * holds no input entry.
   */
  static int argmax(Object x, int xOff, int[] table, int window, int pos) {
    int best = -1;
    int base = pos * window;
    if (x instanceof float[] xf) {
      float max = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < window; k++) {
        int t = table[base + k];
        if (t >= 0 && (best < 0 || wins(xf[xOff + t], max))) {
          max = xf[xOff + t];
          best = t;
        }
      }
    } else {
      double[] xd = (double[]) x;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < window; k++) {
        int t = table[base + k];
        if (t >= 0 && (best < 0 || wins(xd[xOff + t], max))) {
          max = xd[xOff + t];
          best = t;
        }
      }
    }
    return best;
  }

  /**
   * Whether {@code v}, later in a window, replaces {@code max} as its maximum: in the order of
   * {@link Math#max}, which the 2x2 kernels (Java and native) pool by, so that every kernel picks
   * the same entry: a larger value, +0 over -0, or a NaN over a number (the first NaN stays, and
   * the window pools to NaN, as in PyTorch; a plain {@code >} would skip a NaN after the first
   * entry and hide it).
   */
  static boolean wins(float v, float max) {
    return v > max || (v != v && max == max) || (v == 0 && max == 0
        && Float.floatToRawIntBits(v) == 0 && Float.floatToRawIntBits(max) != 0);
  }

  /** {@link #wins(float, float)} for FLOAT64. */
  static boolean wins(double v, double max) {
    return v > max || (v != v && max == max) || (v == 0 && max == 0
        && Double.doubleToRawLongBits(v) == 0 && Double.doubleToRawLongBits(max) != 0);
  }

  /**
   * FLOAT32 max pooling of one plane without padding, by direct loops (no table): each window's
   * first maximum; with {@code dx} non-null, adds {@code gy} there instead of writing {@code out}
   * ({@code dx} zeroed first unless {@link #maxPoolGradFillsPlane}). The table path's argmax per
   * window costs several times more on SimpleConvNet's 2x2 pools.
   */
  static void maxPoolPlane(float[] x, int xOff, int h, int w, int kh, int kw, int sh, int sw,
      int oh, int ow, float[] out, int oOff, float[] gy, float[] dx) {
    if (kh == 2 && kw == 2) {
      maxPool2x2Plane(x, xOff, h, w, sh, sw, oh, ow, out, oOff, gy, dx);
      return;
    }
    // Selects rather than branches: which entry wins is data, a branch on it mispredicts often.
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int first = xOff + oy * sh * w + ox * sw;
        int best = first;
        float max = x[first];
        for (int i = 0; i < kh; i++) {
          int row = first + i * w;
          for (int j = 0; j < kw; j++) {
            float v = x[row + j];
            boolean above = wins(v, max);
            best = above ? row + j : best;
            max = above ? v : max;
          }
        }
        int o = oOff + oy * ow + ox;
        if (dx == null) {
          out[o] = max;
        } else {
          dx[best] += gy[o];
        }
      }
    }
  }

  /**
   * {@link #maxPoolPlane} for 2x2 windows (every pooling layer of the book's networks), without a
   * data-dependent branch: which entry wins is random on real data, and mispredicted branches cost
   * about six times the arithmetic here. The value is {@link Math#max} of the four (NaN when any
   * is NaN, as in PyTorch); the gradient goes to the first entry, row-major, holding exactly that
   * value. With 2x2 strides the windows tile the plane, so the gradient pass writes every entry of
   * {@code dx}'s plane (zeros included) and needs no zeroing first; other strides add into a
   * zeroed {@code dx}.
   */
  private static void maxPool2x2Plane(float[] x, int xOff, int h, int w, int sh, int sw, int oh,
      int ow, float[] out, int oOff, float[] gy, float[] dx) {
    boolean tiles = maxPoolGradFillsPlane(2, 2, sh, sw);
    for (int oy = 0; oy < oh; oy++) {
      int top = xOff + oy * sh * w;
      int o = oOff + oy * ow;
      for (int ox = 0; ox < ow; ox++) {
        int i = top + ox * sw;
        float x0 = x[i];
        float x1 = x[i + 1];
        float x2 = x[i + w];
        float x3 = x[i + w + 1];
        float max = Math.max(Math.max(x0, x1), Math.max(x2, x3));
        if (dx == null) {
          out[o + ox] = max;
          continue;
        }
        // n_k = 1 when entry k differs from the max, from the bits (integer ops, no branch)
        int bits = Float.floatToRawIntBits(max);
        int n0 = differs(bits, x0);
        int n1 = differs(bits, x1);
        int n2 = differs(bits, x2);
        float g = gy[o + ox];
        if (tiles) {
          int gBits = Float.floatToRawIntBits(g);
          int after0 = n0;
          int after1 = n0 & n1;
          int after2 = after1 & n2;
          dx[i] = Float.intBitsToFloat(gBits & (after0 - 1));
          dx[i + 1] = Float.intBitsToFloat(gBits & -(after0 & (n1 ^ 1)));
          dx[i + w] = Float.intBitsToFloat(gBits & -(after1 & (n2 ^ 1)));
          dx[i + w + 1] = Float.intBitsToFloat(gBits & -after2);
        } else {
          int k = n0 + (n0 & n1) + (n0 & n1 & n2); // 0..3: the first entry equal to the max
          dx[i + (k & 1) + (k >> 1) * w] += g;
        }
      }
      if (tiles && dx != null) {
        // a last odd column outside every window
        for (int r = 0; r < 2; r++) {
          for (int c = 2 * ow; c < w; c++) {
            dx[top + r * w + c] = 0;
          }
        }
      }
    }
    if (tiles && dx != null) {
      // a last odd row outside every window
      for (int r = 2 * oh; r < h; r++) {
        java.util.Arrays.fill(dx, xOff + r * w, xOff + (r + 1) * w, 0f);
      }
    }
  }

  /** Whether {@link #maxPoolPlane}'s gradient pass writes its whole plane (no zeroing needed). */
  static boolean maxPoolGradFillsPlane(int kh, int kw, int sh, int sw) {
    return kh == 2 && kw == 2 && sh == 2 && sw == 2;
  }

  /** 1 when {@code v}'s bits differ from {@code bits}, else 0, without a branch. */
  private static int differs(int bits, float v) {
    int d = bits ^ Float.floatToRawIntBits(v);
    return (d | -d) >>> 31;
  }

  /** The sum of window {@code pos}'s input entries divided by {@code divisor}. */
  static double windowMean(Object x, int xOff, int[] table, int window, int pos, int divisor) {
    int base = pos * window;
    double sum = 0;
    if (x instanceof float[] xf) {
      for (int k = 0; k < window; k++) {
        int t = table[base + k];
        if (t >= 0) {
          sum += xf[xOff + t];
        }
      }
    } else {
      double[] xd = (double[]) x;
      for (int k = 0; k < window; k++) {
        int t = table[base + k];
        if (t >= 0) {
          sum += xd[xOff + t];
        }
      }
    }
    return sum / divisor;
  }

  /**
   * {@code c[cOff..] = op(a) op(b)}, row-major with leading dimensions, in plain Java: the
   * product where the native helper is not loaded ({@link NativeCpu}), accumulated in double.
   */
  static void javaGemm(boolean transA, boolean transB, int m, int n, int k, Object a, int aOff,
      int lda, Object b, int bOff, int ldb, Object c, int cOff, int ldc) {
    DTypeKernels kernels = DTypeKernels.ofArray(c);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          double av = kernels.get(a, aOff + (transA ? p * lda + i : i * lda + p));
          double bv = kernels.get(b, bOff + (transB ? j * ldb + p : p * ldb + j));
          sum += av * bv;
        }
        kernels.set(c, cOff + i * ldc + j, sum);
      }
    }
  }
}
