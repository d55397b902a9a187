package dev.jgrad.cpu;

import dev.jgrad.api.DType;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays of closed buffers, kept for the next allocation of the same dtype and length. A training
 * step allocates the same few dozen shapes every time; taking them back from here skips the JVM's
 * zeroing of fresh arrays and keeps the memory warm in the caches (measured in
 * docs/benchmarks.md). Only buffers closed explicitly (by a {@code TensorScope}, say) come back;
 * the garbage collector takes the rest as before.
 *
 * <p>Bounded by {@code -Djgrad.cpu.poolBytes} (default 256 MiB); arrays beyond it are dropped.
 * A closed buffer forgets its array before giving it back, so no two live buffers can share one.
 */
final class ArrayPool {
  static final ArrayPool SHARED =
      new ArrayPool(CpuProperties.poolBytes());

  private final long limitBytes;
  private final Map<Long, ArrayDeque<Object>> free = new HashMap<>();
  private long pooledBytes;

  ArrayPool(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  private static long key(DType dtype, int length) {
    return ((long) length << 2) | dtype.ordinal();
  }

  /** A pooled array of exactly this dtype and length (stale contents), or null. */
  synchronized Object take(DType dtype, int length) {
    ArrayDeque<Object> q = free.get(key(dtype, length));
    if (q == null || q.isEmpty()) {
      return null;
    }
    pooledBytes -= (long) length * dtype.byteSize();
    return q.pop();
  }

  /** Keeps {@code array} for reuse if the pool has room. */
  synchronized void give(Object array) {
    DType dtype = CpuBuffer.dtypeOf(array);
    int length = java.lang.reflect.Array.getLength(array);
    long bytes = (long) length * dtype.byteSize();
    if (length == 0 || pooledBytes + bytes > limitBytes) {
      return;
    }
    free.computeIfAbsent(key(dtype, length), k -> new ArrayDeque<>()).push(array);
    pooledBytes += bytes;
  }

  /** Bytes held for reuse (for tests and logging). */
  synchronized long pooledBytes() {
    return pooledBytes;
  }
}
