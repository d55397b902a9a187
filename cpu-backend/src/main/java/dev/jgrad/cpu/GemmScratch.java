package dev.jgrad.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Off-heap memory for GEMM operands, a set lent to each product or part, grown on demand and
 * reused, so a product costs bulk copies and no allocation. Direct buffers reach OpenBLAS by
 * address (JNI {@code GetDirectBufferAddress}), without a copy. Three areas: the operand every part of a split
 * product shares, the slice of the other operand one part multiplies, and that part's output.
 * Copies take the storage array as an {@code Object} ({@code float[]} or {@code double[]}) so one
 * code path serves both dtypes.
 */
final class GemmScratch {
  /** Elements below which a copy stays on one thread. */
  private static final int PARALLEL_COPY = 1 << 18;

  /** Sets lent per product or part (ScratchPool: not per thread). */
  private static final ScratchPool<GemmScratch> POOL = new ScratchPool<>(GemmScratch::new);

  private ByteBuffer shared = allocate(0);
  private ByteBuffer slice = allocate(0);
  private ByteBuffer out = allocate(0);

  private GemmScratch() {}

  /** Runs {@code work} with a set no other call holds meanwhile, which it must not keep. */
  static void lend(Consumer<GemmScratch> work) {
    POOL.run(work);
  }

  /** Copies all of {@code array} into the shared area (split over the cores when large). */
  ByteBuffer loadShared(Object array) {
    int length = java.lang.reflect.Array.getLength(array);
    shared = ensure(shared, length, array);
    ByteBuffer target = shared;
    Parallel.forRange(length, PARALLEL_COPY,
        (from, to) -> copyIn(target, from, array, from, to - from));
    return shared;
  }

  /** Copies {@code array[offset, offset + length)} into the shared area, on this thread. */
  ByteBuffer loadShared(Object array, int offset, int length) {
    shared = ensure(shared, length, array);
    copyIn(shared, 0, array, offset, length);
    return shared;
  }

  /**
   * Copies a block of {@code rows} runs of {@code width} elements, {@code stride} apart in
   * {@code array} starting at {@code offset}, densely into the slice area.
   */
  ByteBuffer loadSlice(Object array, int offset, int rows, int width, int stride) {
    slice = ensure(slice, (long) rows * width, array);
    copyBlockIn(slice, array, offset, rows, width, stride);
    return slice;
  }

  /** Room for a part's output of {@code length} elements like those of {@code array}. */
  ByteBuffer output(long length, Object array) {
    out = ensure(out, length, array);
    return out;
  }

  /** Copies a dense block of {@code rows x width} from the output area into {@code array}. */
  void storeOutput(Object array, int offset, int rows, int width, int stride) {
    if (width == stride) {
      copyOut(out, 0, array, offset, rows * width);
      return;
    }
    for (int r = 0; r < rows; r++) {
      copyOut(out, r * width, array, offset + r * stride, width);
    }
  }

  private static void copyBlockIn(ByteBuffer dst, Object array, int offset, int rows, int width,
      int stride) {
    if (width == stride) {
      copyIn(dst, 0, array, offset, rows * width);
      return;
    }
    for (int r = 0; r < rows; r++) {
      copyIn(dst, r * width, array, offset + r * stride, width);
    }
  }

  private static void copyIn(ByteBuffer dst, int at, Object array, int from, int length) {
    DTypeKernels.ofArray(array).copyIn(dst, at, array, from, length);
  }

  private static void copyOut(ByteBuffer src, int at, Object array, int to, int length) {
    DTypeKernels.ofArray(array).copyOut(src, at, array, to, length);
  }

  /** {@code buffer}, or a larger one when it cannot hold {@code elements} like {@code array}'s. */
  private static ByteBuffer ensure(ByteBuffer buffer, long elements, Object array) {
    long bytes = elements * DTypeKernels.ofArray(array).dtype().byteSize();
    if (buffer.capacity() >= bytes) {
      return buffer;
    }
    // Grow by at least half, so a slowly growing size does not reallocate every call.
    return allocate(Math.max(bytes, Math.min(Integer.MAX_VALUE, buffer.capacity() * 3L / 2)));
  }

  private static ByteBuffer allocate(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("matmul: an operand of " + bytes
          + " bytes is larger than one off-heap scratch buffer (2 GiB)");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }
}
