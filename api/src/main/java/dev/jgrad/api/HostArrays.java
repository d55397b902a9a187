package dev.jgrad.api;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Java arrays of tensor values (a backend's CPU buffers, values drawn or converted on the host
 * before an upload, values read back), and the one error they give when the heap has no room: a
 * {@link BackendOutOfMemoryException} saying where, how much and what to do, never the JVM's bare
 * {@code OutOfMemoryError}, so that a service can turn the request away and serve the next.
 *
 * <p>A heap filled little by little leaves no room even for that error's message, so a small
 * reserve is held and let go before the message is built; the next allocation that succeeds takes
 * it again. Should even the message not fit, the error comes with a fixed one.
 */
public final class HostArrays {
  /** Room for the message, the exception and its stack trace, with a margin for the caller's. */
  private static final int RESERVE_BYTES = 1 << 20;

  /** Let go (null) while out of memory; taken again by the next successful allocation. */
  private static volatile byte[] reserve = new byte[RESERVE_BYTES];

  private HostArrays() {}

  /**
   * A new zeroed array of {@code length} elements of {@code dtype} ({@code float[]},
   * {@code double[]}, {@code int[]} or {@code byte[]} for UINT8); out of memory, a
   * {@link BackendOutOfMemoryException} naming {@code where} ("in Tensor.randn of shape [3, 4]").
   */
  public static Object newArray(DType dtype, int length, Supplier<String> where) {
    try {
      Object array = switch (dtype) {
        case FLOAT32 -> new float[length];
        case FLOAT64 -> new double[length];
        case INT32 -> new int[length];
        case UINT8 -> new byte[length];
      };
      rearm();
      return array;
    } catch (OutOfMemoryError e) { // the failed allocation took nothing: the JVM goes on
      throw outOfMemory(where, dtype, length, e);
    }
  }

  /** {@link #newArray} of FLOAT32. */
  public static float[] floats(int length, Supplier<String> where) {
    return (float[]) newArray(DType.FLOAT32, length, where);
  }

  /** {@link #newArray} of FLOAT64. */
  public static double[] doubles(int length, Supplier<String> where) {
    return (double[]) newArray(DType.FLOAT64, length, where);
  }

  /** {@link #newArray} of INT32. */
  public static int[] ints(int length, Supplier<String> where) {
    return (int[]) newArray(DType.INT32, length, where);
  }

  /**
   * The error for an allocation of {@code length} elements of {@code dtype} that ran out of heap
   * ({@code e}), for a backend that allocates its arrays itself: "out of memory WHERE allocating
   * FLOAT32[n] (size): the Java heap holds at most ..., ... in use (...); what to do". The reserve
   * is let go first, so the message has room to be built.
   */
  public static BackendOutOfMemoryException outOfMemory(Supplier<String> where, DType dtype,
      long length, OutOfMemoryError e) {
    reserve = null;
    long bytes = length * dtype.byteSize();
    long used = -1;
    try {
      Runtime heap = Runtime.getRuntime();
      used = heap.totalMemory() - heap.freeMemory();
      return new BackendOutOfMemoryException(String.format(Locale.ROOT, "out of memory %s "
          + "allocating %s[%d] (%s): the Java heap holds at most %s, %s in use (%s); use smaller "
          + "batches, close tensors no longer needed (TensorScope), or give the JVM more heap "
          + "with -Xmx (e.g. java -Xmx8g)", where.get(), dtype, length, ByteCounts.human(bytes),
          ByteCounts.human(heap.maxMemory()), ByteCounts.human(used), e.getMessage()), bytes,
          used);
    } catch (OutOfMemoryError stillFull) { // other threads took the reserve's room: no details
      return new BackendOutOfMemoryException("out of memory: the Java heap has no room left; "
          + "close tensors no longer needed or give the JVM more heap with -Xmx", bytes, used);
    }
  }

  /** Takes the reserve again after it was let go; leaves it for later where there is no room. */
  private static void rearm() {
    if (reserve == null) {
      try {
        reserve = new byte[RESERVE_BYTES];
      } catch (OutOfMemoryError e) {
        // still short of memory: the next successful allocation tries again
      }
    }
  }
}
