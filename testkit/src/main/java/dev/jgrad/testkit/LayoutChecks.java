package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * copy, copyAxisRange, copyStrided and transpose: data moved exactly, and nothing else touched.
 */
final class LayoutChecks {
  /**
   * copyAxisRange cases {srcAxis, srcStart, dstAxis, dstStart, outer, count, inner}: a slice into
   * a concatenation, one contiguous run (outer 1), single elements (inner 1), nothing (count 0),
   * and a large one.
   */
  private static final int[][] AXIS_RANGES = {
      {3, 1, 4, 2, 2, 2, 2}, {4, 1, 6, 2, 3, 3, 5}, {5, 0, 7, 3, 1, 4, 3}, {3, 0, 5, 2, 4, 3, 1},
      {4, 2, 4, 0, 3, 0, 2}, {300, 50, 500, 100, 8, 250, 129}};

  /** transpose {batch, rows, cols}: odd sizes, single rows and columns, empty, large. */
  private static final int[][] TRANSPOSES = {
      {1, 1, 1}, {3, 2, 5}, {2, 37, 65}, {1, 100, 784}, {1, 784, 100}, {4, 0, 3}, {1, 33, 65},
      {3, 1, 7}, {2, 64, 32}, {5, 100, 3}, {4, 31, 31}, {2, 513, 600}};

  /**
   * copyStrided cases {srcOffset, srcStrides, shape, src length}: dense, a transpose, a slice
   * with a step and an offset, a broadcast (stride 0), a scalar, an empty view, and rank 8.
   */
  private static final Object[][] STRIDED = {
      {0L, new long[] {4, 1}, new int[] {3, 4}, 12},
      {0L, new long[] {1, 3}, new int[] {3, 2}, 6},
      {7L, new long[] {10, 3}, new int[] {4, 3}, 50},
      {2L, new long[] {0, 1, 0}, new int[] {3, 5, 2}, 9},
      {11L, new long[] {}, new int[] {}, 12},
      {0L, new long[] {5, 1}, new int[] {0, 5}, 3},
      {1L, new long[] {1, 2, 4, 8, 16, 32, 64, 0}, new int[] {2, 2, 2, 2, 2, 2, 2, 3}, 130},
      {3L, new long[] {1, 40}, new int[] {37, 129}, 5200}};

  /** {@code dst[i] = src[offset + sum coord_d(i) * strides[d]]}, row-major over shape. */
  private static double[] stridedReference(double[] src, long offset, long[] strides,
      int[] shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      long at = offset;
      int rest = i;
      for (int d = shape.length - 1; d >= 0; d--) {
        at += (rest % shape[d]) * strides[d];
        rest /= shape[d];
      }
      out[i] = src[(int) at];
    }
    return out;
  }

  private LayoutChecks() {}

  static void addTo(CheckRunner r) {
    Backend backend = r.backend();
    for (DType dtype : DType.values()) {
      String copy = "copy " + dtype;
      r.check(copy, b -> {
        double[] v = Values.uniform(r.random(copy), dtype, 100, -1, 1);
        DeviceBuffer src = b.upload(dtype, v);
        DeviceBuffer dst = b.filled(dtype, 50, 7);
        backend.copy(src, 10, dst, 5, 30);
        double[] want = new double[50];
        Arrays.fill(want, 7);
        System.arraycopy(v, 10, want, 5, 30);
        Compare.exact("a range between buffers", want, b.read(dst));
        backend.copy(src, 3, dst, 0, 0);
        Compare.exact("length 0", want, b.read(dst));
        int[][] moves = {{0, 20, 50}, {30, 5, 60}, {5, 5, 10}, {0, 1, 99}, {1, 0, 99}};
        for (int[] move : moves) { // {from, to, length} within one buffer, overlapping
          DeviceBuffer one = b.upload(dtype, v);
          backend.copy(one, move[0], one, move[1], move[2]);
          double[] moved = v.clone();
          System.arraycopy(v, move[0], moved, move[1], move[2]);
          Compare.exact("within one buffer " + Arrays.toString(move), moved,
              b.read(one));
        }
        return "ranges between buffers and overlapping ones within a buffer, as if the source "
            + "were read first";
      });
      String strided = "copyStrided " + dtype;
      r.check(strided, b -> {
        Random random = r.random(strided);
        for (Object[] c : STRIDED) {
          long offset = (Long) c[0];
          long[] strides = (long[]) c[1];
          int[] shape = (int[]) c[2];
          double[] src = Values.uniform(random, dtype, (Integer) c[3], -1, 1);
          double[] want = stridedReference(src, offset, strides, shape);
          DeviceBuffer dst = b.filled(dtype, want.length, 7);
          backend.copyStrided(b.upload(dtype, src), offset, strides, shape, dst);
          Compare.exact("copyStrided offset " + offset + " strides " + Arrays.toString(strides)
              + " shape " + Arrays.toString(shape), want, b.read(dst));
        }
        return STRIDED.length + " views (permutes, steps, stride 0, offsets, empty) exact";
      });
      String axis = "copyAxisRange " + dtype;
      r.check(axis, b -> {
        Random random = r.random(axis);
        for (int[] c : AXIS_RANGES) {
          double[] src = Values.uniform(random, dtype, c[4] * c[0] * c[6], -1, 1);
          DeviceBuffer dst = b.filled(dtype, (long) c[4] * c[2] * c[6],
              Values.stored(dtype, -1)); // 255 for UINT8
          double[] before = b.read(dst);
          backend.copyAxisRange(b.upload(dtype, src), c[0], c[1], dst, c[2], c[3], c[4], c[5],
              c[6]);
          Compare.exact("copyAxisRange" + Arrays.toString(c), Reference.copyAxisRange(
              src, c[0], c[1], before, c[2], c[3], c[4], c[5], c[6]), b.read(dst));
        }
        return AXIS_RANGES.length + " slices and concatenations exact, the rest of dst untouched";
      });
    }
    for (DType dtype : Values.FLOATS) { // INT32 is not transposed: no arithmetic layout needs it
      String transpose = "transpose " + dtype;
      r.check(transpose, b -> {
        Random random = r.random(transpose);
        for (int[] s : TRANSPOSES) {
          double[] x = Values.uniform(random, dtype, s[0] * s[1] * s[2], -1, 1);
          DeviceBuffer out = b.filled(dtype, x.length, Double.NaN);
          backend.transpose(b.upload(dtype, x), s[0], s[1], s[2], out);
          Compare.exact("transpose" + Arrays.toString(s),
              Reference.transpose(x, s[0], s[1], s[2]), b.read(out));
        }
        return TRANSPOSES.length + " shapes exact";
      });
      String inPlace = "in place transpose of one row or column " + dtype;
      r.check(inPlace, b -> {
        double[] x = Values.uniform(r.random(inPlace), dtype, 12, -1, 1);
        for (int[] s : new int[][] {{1, 1, 12}, {3, 4, 1}}) {
          DeviceBuffer buffer = b.upload(dtype, x);
          backend.transpose(buffer, s[0], s[1], s[2], buffer);
          Compare.exact("transpose" + Arrays.toString(s) + " with out = x", x,
              b.read(buffer));
        }
        return "allowed where the bytes do not move, and they do not";
      });
    }
  }
}
