package dev.jgrad.cpu;

import dev.jgrad.api.BackendOutOfMemoryException;
import dev.jgrad.api.DType;
import dev.jgrad.api.HostArrays;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Arrays of closed buffers, kept for the next allocation of the same dtype and length. A training
 * step allocates the same few dozen shapes every time; taking them back from here skips the JVM's
 * zeroing of fresh arrays and keeps the memory warm in the caches (measured in
 * docs/benchmarks.md). Only buffers closed explicitly (by a {@code TensorScope}, say) come back;
 * the garbage collector takes the rest as before.
 *
 * <p>Bounded by {@code -Djgrad.cpu.poolBytes} (default 256 MiB); arrays beyond it are dropped.
 * The arrays are held softly: the garbage collector takes them back before the JVM runs out of
 * memory, so the pool never costs an {@code OutOfMemoryError} (with strong references, a service
 * of varying batch sizes in a 64 MiB heap ran out of memory at once; with the pool off it ran).
 * A closed buffer forgets its array before giving it back, so no two live buffers can share one.
 */
final class ArrayPool {
  static final ArrayPool SHARED =
      new ArrayPool(CpuProperties.poolBytes());
  private static final Supplier<String> ON_CPU = () -> "on the cpu backend";

  private final long limitBytes;
  private final Map<Long, ArrayDeque<Pooled>> free = new HashMap<>();
  /** Where the collector puts the references whose arrays it took. */
  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
  private long pooledBytes;

  /** One kept array, counted in {@link #pooledBytes} while {@link #counted}. */
  private static final class Pooled extends SoftReference<Object> {
    final long key;
    final long bytes;
    boolean counted = true;

    Pooled(Object array, long key, long bytes, ReferenceQueue<Object> queue) {
      super(array, queue);
      this.key = key;
      this.bytes = bytes;
    }
  }

  ArrayPool(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  private static long key(DType dtype, int length) {
    return ((long) length << 2) | dtype.ordinal();
  }

  /** A pooled array of exactly this dtype and length (stale contents), or null. */
  synchronized Object take(DType dtype, int length) {
    forgetCleared();
    ArrayDeque<Pooled> q = free.get(key(dtype, length));
    while (q != null && !q.isEmpty()) {
      Pooled p = q.pop();
      uncount(p);
      Object array = p.get();
      if (array != null) {
        return array;
      }
    }
    return null;
  }

  /**
   * A pooled array of this dtype and length (stale contents), else a new one; where the heap has
   * no room for it, the arrays kept here are dropped and it is tried once more, then a
   * {@link BackendOutOfMemoryException} saying how much was asked, how large the heap may grow
   * and what to do ({@link HostArrays}), instead of the JVM's bare "Java heap space".
   */
  Object takeOrNew(DType dtype, int length) {
    Object pooled = take(dtype, length);
    if (pooled != null) {
      return pooled;
    }
    try {
      return HostArrays.newArray(dtype, length, ON_CPU);
    } catch (BackendOutOfMemoryException e) {
      if (!dropAll()) {
        throw e;
      }
      return HostArrays.newArray(dtype, length, ON_CPU);
    }
  }

  /** Forgets every kept array and its bookkeeping; whether there was any. */
  private synchronized boolean dropAll() {
    boolean any = !free.isEmpty();
    for (ArrayDeque<Pooled> q : free.values()) {
      for (Pooled p : q) {
        uncount(p);
        p.clear(); // not queued by the collector now, so forgetCleared never sees it
      }
    }
    free.clear();
    return any;
  }

  /** Keeps {@code array} for reuse if the pool has room. */
  synchronized void give(Object array) {
    forgetCleared();
    DType dtype = CpuBuffer.dtypeOf(array);
    int length = java.lang.reflect.Array.getLength(array);
    long bytes = (long) length * dtype.byteSize();
    if (length == 0 || pooledBytes + bytes > limitBytes) {
      return;
    }
    long key = key(dtype, length);
    try {
      free.computeIfAbsent(key, k -> new ArrayDeque<>())
          .push(new Pooled(array, key, bytes, cleared));
      pooledBytes += bytes;
    } catch (OutOfMemoryError e) {
      // No room even for the bookkeeping: drop the array, which frees it. Thrown from a
      // TensorScope's close while the body's own OutOfMemoryError propagates, the JVM's shared
      // instance would make try-with-resources fail "Self-suppression not permitted" instead.
    }
  }

  /** Bytes held for reuse (for tests and logging). */
  synchronized long pooledBytes() {
    forgetCleared();
    return pooledBytes;
  }

  /** Drops the references whose arrays the collector took, and their bytes. */
  private void forgetCleared() {
    for (Reference<?> r; (r = cleared.poll()) != null; ) {
      Pooled p = (Pooled) r;
      if (p.counted) {
        uncount(p);
        ArrayDeque<Pooled> q = free.get(p.key);
        if (q != null) {
          q.remove(p);
        }
      }
    }
  }

  private void uncount(Pooled p) {
    if (p.counted) {
      p.counted = false;
      pooledBytes -= p.bytes;
    }
  }
}
