package dev.jgrad.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Off-heap memory for the three GEMM operands, one set per calling thread, grown on demand and
 * reused, so a product costs two bulk copies in and one out and no allocation. Direct buffers are
 * passed to OpenBLAS by address (JNI {@code GetDirectBufferAddress}), without copying. Large
 * copies are split over the cores: they are memory-bound and a second core adds bandwidth.
 */
final class GemmScratch {
  /** Elements below which a copy stays on one thread. */
  private static final int PARALLEL_COPY = 1 << 18;

  private static final ThreadLocal<GemmScratch> PER_THREAD =
      ThreadLocal.withInitial(GemmScratch::new);

  private ByteBuffer a = allocate(0);
  private ByteBuffer b = allocate(0);
  private ByteBuffer c = allocate(0);

  private GemmScratch() {}

  static GemmScratch forThisThread() {
    return PER_THREAD.get();
  }

  /** Copies the operands in and makes room for an output of {@code outLength} elements. */
  void load(float[] x, float[] y, int outLength) {
    a = ensure(a, x.length * 4L);
    b = ensure(b, y.length * 4L);
    c = ensure(c, outLength * 4L);
    FloatBuffer fa = a.asFloatBuffer();
    FloatBuffer fb = b.asFloatBuffer();
    copy(x.length, (from, to) -> fa.put(from, x, from, to - from));
    copy(y.length, (from, to) -> fb.put(from, y, from, to - from));
  }

  void load(double[] x, double[] y, int outLength) {
    a = ensure(a, x.length * 8L);
    b = ensure(b, y.length * 8L);
    c = ensure(c, outLength * 8L);
    DoubleBuffer da = a.asDoubleBuffer();
    DoubleBuffer db = b.asDoubleBuffer();
    copy(x.length, (from, to) -> da.put(from, x, from, to - from));
    copy(y.length, (from, to) -> db.put(from, y, from, to - from));
  }

  /** Copies the product out. */
  void store(float[] out) {
    FloatBuffer fc = c.asFloatBuffer();
    copy(out.length, (from, to) -> fc.get(from, out, from, to - from));
  }

  void store(double[] out) {
    DoubleBuffer dc = c.asDoubleBuffer();
    copy(out.length, (from, to) -> dc.get(from, out, from, to - from));
  }

  /** The operand a; view it with {@code asFloatBuffer()} or {@code asDoubleBuffer()}. */
  ByteBuffer a() {
    return a;
  }

  ByteBuffer b() {
    return b;
  }

  /** The product. */
  ByteBuffer c() {
    return c;
  }

  private static void copy(int length, Parallel.RangeBody body) {
    Parallel.forRange(length, PARALLEL_COPY, body);
  }

  private static ByteBuffer ensure(ByteBuffer buffer, long bytes) {
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
