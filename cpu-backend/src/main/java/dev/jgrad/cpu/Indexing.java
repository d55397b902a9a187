package dev.jgrad.cpu;

/**
 * Gather ({@code indexSelect}), its adjoint scatter-add ({@code indexAdd}) and {@code oneHot}.
 * Index buffers are INT32; all of them are checked before anything is written, so a bad index
 * leaves the output untouched.
 */
final class Indexing {
  /** Floats a row needs to fill a cache line, below which the Java copies are as good. */
  private static final int MIN_NATIVE_ROW = 16;

  private Indexing() {}

  /**
   * A copy of the INT32 indices, each checked to lie in {@code [0, bound)}: a copy, so that a
   * thread writing the buffer meanwhile ({@code HostBuffer.intArray} allows it) cannot change an
   * index after its check, before native code uses it.
   */
  static int[] readIndices(String primitive, CpuBuffer indices, int bound) {
    int[] idx = indices.ints().clone();
    for (int i = 0; i < idx.length; i++) {
      Checks.index(primitive, idx[i], i, bound);
    }
    return idx;
  }

  /**
   * {@code out[o, i, :] = src[o, idx[i], :]}; slices are contiguous, so plain array copies. Float
   * and UINT8 rows of at least {@link #MIN_NATIVE_ROW} elements (a batch of images) go to the
   * native helper where it is loaded, which prefetches the rows ahead: they lie anywhere in a
   * dataset larger than the caches.
   */
  static void select(CpuBuffer src, int outer, int axis, int inner, int[] idx, CpuBuffer out) {
    Object s = src.array();
    Object d = out.array();
    int n = idx.length;
    if (inner >= MIN_NATIVE_ROW && NativeCpu.available()
        && (s instanceof float[] || s instanceof byte[])) {
      NativeCpu.check(NativeCpu.gatherRows(outer, axis, inner, src.dtype().byteSize(), idx, s, d),
          "indexSelect");
      return;
    }
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(s, (o * axis + idx[i]) * inner, d, (o * n + i) * inner, inner);
      }
    }
  }

  /** {@code dst[o, idx[i], :] += src[o, i, :]}; repeated indices accumulate. */
  static void add(CpuBuffer src, int[] idx, CpuBuffer dst, int outer, int axis, int inner) {
    DTypeKernels k = src.kernels();
    k.indexAdd(k.array(src), idx, k.array(dst), outer, axis, inner);
  }

  /** {@code out[r, c] = idx[r] == c ? 1 : 0}. */
  static void oneHot(int[] idx, int classes, CpuBuffer out) {
    out.kernels().oneHot(idx, classes, out.array());
  }
}
