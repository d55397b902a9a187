package dev.jgrad.cpu;

import dev.jgrad.api.Shape;

/**
 * How to walk a NumPy-broadcast binary op as a few long contiguous runs. The output is always
 * dense; dimensions of size 1 are dropped and neighbouring dimensions that are contiguous for both
 * inputs are merged, so the common cases collapse to one or two dimensions: same shape is one run,
 * {@code [m,n] op [n]} is m runs against the same {@code b}, {@code [m,n] op [m,1]} is m runs each
 * against one element of {@code b}, and a scalar is one run against one element. In the last
 * (innermost) dimension each input's stride is 1 (it varies) or 0 (it is broadcast), which picks
 * the vector-vector, vector-scalar or scalar-vector loop.
 */
final class BroadcastPlan {
  /** One contiguous run of the output and where its inputs start. */
  @FunctionalInterface
  interface Run {
    void apply(int aOff, boolean aVaries, int bOff, boolean bVaries, int outOff, int len);
  }

  private final int[] sizes;
  private final int[] aStrides;
  private final int[] bStrides;

  private BroadcastPlan(int[] sizes, int[] aStrides, int[] bStrides) {
    this.sizes = sizes;
    this.aStrides = aStrides;
    this.bStrides = bStrides;
  }

  /** The plan for {@code a op b -> out}; {@code out} must be the broadcast of the two. */
  static BroadcastPlan of(Shape a, Shape b, Shape out) {
    int rank = out.rank();
    int[] outDims = out.dims();
    int[] aS = alignedStrides(a, rank);
    int[] bS = alignedStrides(b, rank);
    int[] sizes = new int[Math.max(1, rank)];
    int[] as = new int[sizes.length];
    int[] bs = new int[sizes.length];
    int r = 0;
    for (int i = 0; i < rank; i++) {
      int s = outDims[i];
      if (s == 1) {
        continue;
      }
      if (r > 0 && as[r - 1] == aS[i] * s && bs[r - 1] == bS[i] * s) {
        sizes[r - 1] *= s; // contiguous with the dimension before it for both inputs: merge
        as[r - 1] = aS[i];
        bs[r - 1] = bS[i];
      } else {
        sizes[r] = s;
        as[r] = aS[i];
        bs[r] = bS[i];
        r++;
      }
    }
    if (r == 0) { // every dimension is 1: a single element
      return new BroadcastPlan(new int[] {1}, new int[] {1}, new int[] {1});
    }
    return new BroadcastPlan(java.util.Arrays.copyOf(sizes, r), java.util.Arrays.copyOf(as, r),
        java.util.Arrays.copyOf(bs, r));
  }

  /**
   * Row-major strides of {@code shape} right-aligned to {@code rank} dimensions, 0 where the shape
   * has (or is padded with) a 1 that broadcasts.
   */
  private static int[] alignedStrides(Shape shape, int rank) {
    int[] dims = shape.dims();
    int[] strides = new int[rank];
    int stride = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      int axis = rank - dims.length + i;
      strides[axis] = dims[i] == 1 ? 0 : stride;
      stride *= dims[i];
    }
    return strides;
  }

  /** Number of merged dimensions, for tests of the fast paths. */
  int collapsedRank() {
    return sizes.length;
  }

  /** Calls {@code run} for each contiguous run covering output elements {@code [from, to)}. */
  void forEachRun(int from, int to, Run run) {
    int r = sizes.length - 1;
    int last = sizes[r];
    boolean aVaries = aStrides[r] != 0;
    boolean bVaries = bStrides[r] != 0;
    int pos = from;
    while (pos < to) {
      int rem = pos / last;
      int inLast = pos - rem * last;
      int aOff = aVaries ? inLast : 0;
      int bOff = bVaries ? inLast : 0;
      for (int d = r - 1; d >= 0 && rem > 0; d--) {
        int q = rem / sizes[d];
        int idx = rem - q * sizes[d];
        aOff += idx * aStrides[d];
        bOff += idx * bStrides[d];
        rem = q;
      }
      int len = Math.min(last - inLast, to - pos);
      run.apply(aOff, aVaries, bOff, bVaries, pos, len);
      pos += len;
    }
  }
}
