package dev.jgrad.cpu;

import dev.jgrad.api.DType;
import java.util.Arrays;

/**
 * Gather ({@code indexSelect}), its adjoint scatter-add ({@code indexAdd}) and {@code oneHot}.
 * Index buffers hold whole numbers in the data dtype; all of them are read and checked before
 * anything is written, so a bad index leaves the output untouched.
 */
final class Indexing {
  private Indexing() {}

  /** The indices as ints, each checked to be a whole number in {@code [0, bound)}. */
  static int[] readIndices(String primitive, CpuBuffer indices, int bound) {
    int[] out = new int[indices.size()];
    if (indices.dtype() == DType.FLOAT32) {
      float[] v = indices.floats();
      for (int i = 0; i < out.length; i++) {
        out[i] = Checks.index(primitive, v[i], i, bound);
      }
    } else {
      double[] v = indices.doubles();
      for (int i = 0; i < out.length; i++) {
        out[i] = Checks.index(primitive, v[i], i, bound);
      }
    }
    return out;
  }

  /** {@code out[o, i, :] = src[o, idx[i], :]}; slices are contiguous, so plain array copies. */
  static void select(CpuBuffer src, int outer, int axis, int inner, int[] idx, CpuBuffer out) {
    Object s = src.array();
    Object d = out.array();
    int n = idx.length;
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(s, (o * axis + idx[i]) * inner, d, (o * n + i) * inner, inner);
      }
    }
  }

  /** {@code dst[o, idx[i], :] += src[o, i, :]}; repeated indices accumulate. */
  static void add(CpuBuffer src, int[] idx, CpuBuffer dst, int outer, int axis, int inner) {
    int n = idx.length;
    if (src.dtype() == DType.FLOAT32) {
      float[] s = src.floats();
      float[] d = dst.floats();
      for (int o = 0; o < outer; o++) {
        for (int i = 0; i < n; i++) {
          int from = (o * n + i) * inner;
          int shift = (o * axis + idx[i]) * inner - from;
          for (int j = from; j < from + inner; j++) d[j + shift] += s[j];
        }
      }
    } else {
      double[] s = src.doubles();
      double[] d = dst.doubles();
      for (int o = 0; o < outer; o++) {
        for (int i = 0; i < n; i++) {
          int from = (o * n + i) * inner;
          int shift = (o * axis + idx[i]) * inner - from;
          for (int j = from; j < from + inner; j++) d[j + shift] += s[j];
        }
      }
    }
  }

  /** {@code out[r, c] = idx[r] == c ? 1 : 0}. */
  static void oneHot(int[] idx, int classes, CpuBuffer out) {
    if (out.dtype() == DType.FLOAT32) {
      float[] o = out.floats();
      Arrays.fill(o, 0f);
      for (int r = 0; r < idx.length; r++) {
        o[r * classes + idx[r]] = 1f;
      }
    } else {
      double[] o = out.doubles();
      Arrays.fill(o, 0.0);
      for (int r = 0; r < idx.length; r++) {
        o[r * classes + idx[r]] = 1.0;
      }
    }
  }
}
