package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.AttrKeys.SIZE;
import static dev.jgrad.api.op.AttrKeys.START;
import static dev.jgrad.api.op.OpNames.UNSLICE;

import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The portable im2col of convolution and pooling, composed from slices, reshapes and a concat
 * (no index tensor), and its adjoint col2im from the matching unslices. Each window offset
 * {@code (i, j)} is one strided slice of the padded input; a stride {@code s} is taken by
 * reshaping a run of {@code o * s} entries to {@code [o, s]} and keeping column 0. This is the
 * kernel every backend can run; the CPU and CUDA backends register one-pass kernels instead.
 */
final class Patches {
  private Patches() {}

  /**
   * The windows of {@code x [n, c, h, w]} as {@code [n, c, kh * kw, oh * ow]}, padding with
   * {@code pad} (0 for convolution and average pooling; the most negative finite value for max
   * pooling, which never wins a window that holds an input entry).
   */
  static Tensor windows(Tensor x, Conv2dGeometry g, double pad) {
    int hn = paddedSize(g.h(), g.ph(), g.kh(), g.oh(), g.sh());
    int wn = paddedSize(g.w(), g.pw(), g.kw(), g.ow(), g.sw());
    Tensor xp = unslice(unslice(x, 2, g.ph(), hn), 3, g.pw(), wn);
    if (pad != 0) {
      // ones where x has entries: x.eq(x) * 0 + 1, not x * 0 + 1, which is NaN at an infinity
      Tensor ones = x.eq(x).mul(0).add(1);
      Tensor inside = unslice(unslice(ones, 2, g.ph(), hn), 3, g.pw(), wn);
      xp = xp.add(inside.sub(1).mul(-pad));
    }
    List<Tensor> parts = new ArrayList<>(g.kh() * g.kw());
    for (int i = 0; i < g.kh(); i++) {
      Tensor rows = every(xp.slice(2, i, g.oh() * g.sh()), 2, g.sh());
      for (int j = 0; j < g.kw(); j++) {
        parts.add(every(rows.slice(3, j, g.ow() * g.sw()), 3, g.sw())
            .reshape(g.n(), g.c(), 1, g.outPlane()));
      }
    }
    return parts.size() == 1 ? parts.get(0) : Tensor.concat(2, parts);
  }

  /** The adjoint of {@link #windows} (padding 0): sums each window's entries back into place. */
  static Tensor fold(Tensor d, Conv2dGeometry g) {
    int hn = paddedSize(g.h(), g.ph(), g.kh(), g.oh(), g.sh());
    int wn = paddedSize(g.w(), g.pw(), g.kw(), g.ow(), g.sw());
    Tensor sum = null;
    for (int i = 0; i < g.kh(); i++) {
      for (int j = 0; j < g.kw(); j++) {
        Tensor part = d.slice(2, i * g.kw() + j, 1).reshape(g.n(), g.c(), g.oh(), g.ow());
        part = unslice(unslice(spread(spread(part, 3, g.sw()), 2, g.sh()), 2, i, hn), 3, j, wn);
        sum = sum == null ? part : sum.add(part);
      }
    }
    return sum.slice(2, g.ph(), g.h()).slice(3, g.pw(), g.w());
  }

  /** Padded length along one axis: room for the padding and every window's strided run. */
  private static int paddedSize(int size, int pad, int kernel, int out, int stride) {
    return Math.max(size + 2 * pad, kernel - 1 + out * stride);
  }

  /** Every {@code stride}-th entry of {@code axis} (whose length is a multiple of stride). */
  private static Tensor every(Tensor t, int axis, int stride) {
    if (stride == 1) {
      return t;
    }
    int[] dims = t.shape().dims();
    int[] split = splitAxis(dims, axis, stride);
    dims[axis] /= stride;
    return t.reshape(split).slice(axis + 1, 0, 1).reshape(dims);
  }

  /** The adjoint of {@link #every}: each entry followed by {@code stride - 1} zeros. */
  private static Tensor spread(Tensor t, int axis, int stride) {
    if (stride == 1) {
      return t;
    }
    int[] dims = t.shape().dims();
    int[] split = new int[dims.length + 1];
    System.arraycopy(dims, 0, split, 0, axis + 1);
    split[axis + 1] = 1;
    System.arraycopy(dims, axis + 1, split, axis + 2, dims.length - axis - 1);
    dims[axis] *= stride;
    return unslice(t.reshape(split), axis + 1, 0, stride).reshape(dims);
  }

  private static int[] splitAxis(int[] dims, int axis, int stride) {
    int[] split = new int[dims.length + 1];
    System.arraycopy(dims, 0, split, 0, axis);
    split[axis] = dims[axis] / stride;
    split[axis + 1] = stride;
    System.arraycopy(dims, axis + 1, split, axis + 2, dims.length - axis - 1);
    return split;
  }

  /** {@code t} placed at {@code start} in zeros of {@code size} along {@code axis}. */
  private static Tensor unslice(Tensor t, int axis, int start, int size) {
    if (start == 0 && size == t.shape().dim(axis)) {
      return t;
    }
    return Ops.call(UNSLICE, Attrs.of(AXIS, axis, START, start, SIZE, size), t);
  }
}
