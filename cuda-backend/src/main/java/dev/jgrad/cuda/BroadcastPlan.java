package dev.jgrad.cuda;

import dev.jgrad.api.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How the binary kernel addresses its inputs under NumPy broadcasting: per output dimension, the
 * element stride in {@code a} and in {@code b} (0 where the input is broadcast along it).
 *
 * <p>Dimensions of size 1 are dropped and neighbours that are contiguous in both inputs are
 * merged, so {@code [100, 10] + [10]} runs as rank 2 and same-shape operands as rank 1 (the
 * fast path, {@link #isElementwise()}). The kernel handles at most {@link #MAX_DIMS} dimensions
 * after merging; more is rejected on the host.
 *
 * <p>{@link #toStruct()} writes the {@code BcastParams} struct of common.cuh: {@code rank}, then
 * {@code dims}, {@code aStride} and {@code bStride}, each {@link #MAX_DIMS} right-aligned longs,
 * little-endian (the byte order of every CUDA-capable host).
 */
final class BroadcastPlan {
  static final int MAX_DIMS = 8;
  static final int STRUCT_BYTES = 8 * (1 + 3 * MAX_DIMS);

  private final long[] dims;
  private final long[] aStrides;
  private final long[] bStrides;

  private BroadcastPlan(long[] dims, long[] aStrides, long[] bStrides) {
    this.dims = dims;
    this.aStrides = aStrides;
    this.bStrides = bStrides;
  }

  /**
   * The plan for {@code out = op(a, b)}.
   *
   * @param primitive named in errors, e.g. "binary(ADD)"
   * @throws IllegalArgumentException if {@code out} is not the broadcast of {@code a} and
   *     {@code b}, or needs more than {@link #MAX_DIMS} dimensions after merging
   */
  static BroadcastPlan of(Shape a, Shape b, Shape out, String primitive) {
    Shape expected = Shape.broadcast(a, b, primitive + " on the cuda backend");
    if (!expected.equals(out)) {
      throw new IllegalArgumentException(primitive + " on the cuda backend: outShape " + out
          + " is not the broadcast of " + a + " and " + b + " (expected " + expected + ")");
    }
    int rank = out.rank();
    long[] dims = new long[rank];
    for (int d = 0; d < rank; d++) {
      dims[d] = out.dim(d);
    }
    return merged(dims, broadcastStrides(a, out), broadcastStrides(b, out), n -> primitive
        + " on the cuda backend: broadcasting " + a + " with " + b + " needs " + n
        + " dimensions after merging contiguous ones; the kernel supports at most " + MAX_DIMS
        + " (reshape the operands first)");
  }

  /**
   * The plan that reads a strided view of {@code shape} ({@code strides} in elements, 0 where
   * it repeats) as {@code a}, for {@code copyStrided}; {@code b}'s strides are all 0. The
   * contract already limited the rank to {@link #MAX_DIMS}.
   */
  static BroadcastPlan strided(int[] shape, long[] strides) {
    long[] dims = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      dims[d] = shape[d];
    }
    return merged(dims, strides, new long[shape.length], n -> "copyStrided on the cuda backend: "
        + "shape " + Arrays.toString(shape) + " needs " + n + " dimensions; at most " + MAX_DIMS);
  }

  /** Drops dimensions of size 1 and merges neighbours contiguous in both a and b. */
  private static BroadcastPlan merged(long[] outDims, long[] aStride, long[] bStride,
      IntFunction<String> tooMany) {
    int rank = outDims.length;
    // Walk from the innermost dimension outwards, dropping 1s and merging contiguous neighbours.
    List<long[]> merged = new ArrayList<>(); // each {dim, aStride, bStride}, innermost first
    for (int d = rank - 1; d >= 0; d--) {
      long dim = outDims[d];
      if (dim == 1) {
        continue;
      }
      if (!merged.isEmpty()) {
        long[] in = merged.get(merged.size() - 1);
        if (aStride[d] == in[1] * in[0] && bStride[d] == in[2] * in[0]) {
          in[0] *= dim;
          continue;
        }
      }
      merged.add(new long[] {dim, aStride[d], bStride[d]});
    }
    if (merged.isEmpty()) {
      merged.add(new long[] {1, 0, 0}); // a single element
    }
    if (merged.size() > MAX_DIMS) {
      throw new IllegalArgumentException(tooMany.apply(merged.size()));
    }
    int r = merged.size();
    long[] dims = new long[r];
    long[] as = new long[r];
    long[] bs = new long[r];
    for (int i = 0; i < r; i++) {
      long[] m = merged.get(r - 1 - i); // back to outermost-first order
      dims[i] = m[0];
      as[i] = m[1];
      bs[i] = m[2];
    }
    return new BroadcastPlan(dims, as, bs);
  }

  /** Strides of {@code x} (row-major, contiguous) against the output's dimensions, 0 where broadcast. */
  private static long[] broadcastStrides(Shape x, Shape out) {
    int rank = out.rank();
    int offset = rank - x.rank();
    long[] strides = new long[rank];
    long stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
      int xd = d - offset;
      long dim = xd >= 0 ? x.dim(xd) : 1;
      strides[d] = dim == 1 ? 0 : stride;
      stride *= dim;
    }
    return strides;
  }

  int rank() {
    return dims.length;
  }

  long[] dims() {
    return dims.clone();
  }

  long[] aStrides() {
    return aStrides.clone();
  }

  long[] bStrides() {
    return bStrides.clone();
  }

  /** Both inputs have the output's shape: the plain elementwise kernel does the job. */
  boolean isElementwise() {
    return dims.length == 1 && aStrides[0] == 1 && bStrides[0] == 1;
  }

  /**
   * The offsets of output element {@code i} in a and b, computed exactly as the kernel does;
   * the tests compare this with a naive broadcast to check the plan without a GPU.
   */
  long[] offsets(long i) {
    long ao = 0;
    long bo = 0;
    for (int d = dims.length - 1; d >= 0; d--) {
      long c = i % dims[d];
      i /= dims[d];
      ao += c * aStrides[d];
      bo += c * bStrides[d];
    }
    return new long[] {ao, bo};
  }

  /** The kernel's BcastParams struct, dimensions right-aligned in each array. */
  byte[] toStruct() {
    ByteBuffer buf = ByteBuffer.allocate(STRUCT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int pad = MAX_DIMS - dims.length;
    buf.putLong(dims.length);
    for (long[] field : new long[][] {dims, aStrides, bStrides}) {
      for (int i = 0; i < MAX_DIMS; i++) {
        buf.putLong(i < pad ? (field == dims ? 1 : 0) : field[i - pad]);
      }
    }
    return buf.array();
  }

  @Override
  public String toString() {
    return "BroadcastPlan{dims=" + Arrays.toString(dims) + ", a=" + Arrays.toString(aStrides)
        + ", b=" + Arrays.toString(bStrides) + "}";
  }
}
