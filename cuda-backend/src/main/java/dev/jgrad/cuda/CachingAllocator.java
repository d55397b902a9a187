package dev.jgrad.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A caching allocator over raw device memory: freed blocks are kept in per-size-class free lists
 * and handed out again, because cuMemAlloc and cuMemFree are slow and cuMemFree synchronises the
 * whole device. A training loop that allocates the same shapes every step then reaches a steady
 * state with no device allocation at all.
 *
 * <p>Size classes: at least 512 bytes, then four steps per power of two (so at most 25% of a
 * block is wasted). A request is served only by a cached block of exactly its class.
 *
 * <p>Reusing a freed block is safe without synchronising because every kernel and copy of a
 * backend runs on one stream: work that still reads the old contents is ordered before any work
 * that writes the new owner's. Emptying the cache calls {@link RawMemory#beforeFree()} first
 * (the CUDA implementation synchronises the stream) because cuMemFree itself is not ordered.
 *
 * <p>Out of memory: the allocator empties the cache and retries once, then throws
 * {@link DeviceOutOfMemoryException} saying how much was asked and how much is in use.
 *
 * <p>CUDA graphs ({@link #beginPool}): while a graph is captured, its blocks come from and go back
 * to a pool of its own, which also takes every block released during the capture (the graph may
 * read it), and which keeps them all from the shared cache until {@link #closePool}: the graph's
 * replays write them, so no other buffer may get them in between. A block of one graph released
 * during another's capture is kept until both are closed.
 *
 * <p>Thread-safe: buffers may be released by the Cleaner's thread. The raw memory is only called
 * from {@link #allocate} and {@link #emptyCache}, never from {@link #release}, so the Cleaner
 * thread never makes a CUDA call.
 *
 * @param <H> the raw handle type (a {@code CUdeviceptr} on the GPU, anything in tests)
 */
final class CachingAllocator<H> {
  /** The device's own allocation functions, injected so this class is testable without a GPU. */
  interface RawMemory<H> {
    /** A new block of exactly {@code bytes}, or null when the device is out of memory. */
    H allocate(long bytes);

    void free(H handle);

    /** Called once before a batch of {@link #free} calls. */
    default void beforeFree() {}

    /** Extra context for an out-of-memory message, e.g. the device's free and total memory. */
    default String describe() {
      return "";
    }
  }

  /** A block handed out to one buffer. */
  static final class Block<H> {
    private final H handle;
    private final long size;
    /** The graph's pool it belongs to, or null: the shared cache. */
    private final Pool<H> pool;
    private boolean live = true;

    private Block(H handle, long size, Pool<H> pool) {
      this.handle = handle;
      this.size = size;
      this.pool = pool;
    }

    H handle() {
      return handle;
    }

    /** The size class, at least the bytes asked for. */
    long size() {
      return size;
    }
  }

  /** The blocks of one CUDA graph (see the class comment): its free lists, while it lives. */
  static final class Pool<H> {
    private final Map<Long, ArrayDeque<H>> free = new HashMap<>();
    private boolean closed;

    private Pool() {}
  }

  private static final long MIN_CLASS = 512;

  private final RawMemory<H> raw;
  private final Supplier<String> owner;
  private final Map<Long, ArrayDeque<H>> free = new HashMap<>();
  private long bytesInUse;
  private long bytesCached;
  private long peak;
  private long liveBlocks;
  private long cachedBlocks;
  private long cacheHits;
  private long deviceAllocations;
  private long deviceFrees;
  private long reclaimedBlocks;
  private long reclaimedBytes;
  /** The pool of the graph being captured, or null. */
  private Pool<H> capturing;
  /**
   * Free blocks of one live graph's pool that other live graphs may use too (released while
   * those were captured): when their pool closes, they pass to the next of these, not to the
   * shared cache.
   */
  private final Map<H, List<Pool<H>>> alsoHeldBy = new IdentityHashMap<>();

  /**
   * @param owner names the backend and device in error messages, e.g. "cuda device 0 (H100)"
   */
  CachingAllocator(RawMemory<H> raw, Supplier<String> owner) {
    this.raw = raw;
    this.owner = owner;
  }

  /** The size class that serves a request of {@code bytes}. */
  static long sizeClass(long bytes) {
    if (bytes <= MIN_CLASS) {
      return MIN_CLASS;
    }
    long power = Long.highestOneBit(bytes - 1); // bytes is in (power, 2 * power]
    long step = Math.max(MIN_CLASS, power / 4);
    return Math.addExact(bytes, step - 1) / step * step;
  }

  /**
   * A block of at least {@code bytes}.
   *
   * @param what describes the request in an out-of-memory message, e.g. "FLOAT32[1000000]"
   */
  synchronized Block<H> allocate(long bytes, String what) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("allocate: bytes must be positive, got " + bytes);
    }
    long size = sizeClass(bytes);
    H handle = capturing == null ? null : poll(capturing.free, size);
    if (handle == null) {
      handle = poll(free, size); // a free block of the shared cache is no one's: a graph may take it
    }
    if (handle == null) {
      handle = raw.allocate(size);
      if (handle == null && capturing == null) { // emptying waits for the stream: not in a capture
        emptyCache();
        handle = raw.allocate(size);
      }
      if (handle == null) {
        throw new DeviceOutOfMemoryException(owner.get() + ": out of device memory allocating "
            + what + ": asked for " + MemoryStats.human(bytes) + " (" + bytes
            + " bytes, size class " + size + "), " + MemoryStats.human(bytesInUse)
            + " in use by " + liveBlocks + " live buffers; " + (capturing == null
                ? "the allocator emptied its cache and retried once"
                : "while capturing a CUDA graph, which cannot wait to empty the cache")
            + suffix(raw.describe()) + ". Close buffers that are no longer "
            + "needed (try-with-resources) or use smaller batches.", bytes, bytesInUse);
      }
      deviceAllocations++;
    }
    bytesInUse += size;
    liveBlocks++;
    peak = Math.max(peak, bytesInUse);
    return new Block<>(handle, size, capturing);
  }

  /** A cached block of class {@code size} from {@code lists}, or null; counted as a cache hit. */
  private H poll(Map<Long, ArrayDeque<H>> lists, long size) {
    ArrayDeque<H> list = lists.get(size);
    H handle = list == null ? null : list.pollLast(); // last freed: likeliest to be in L2 still
    if (handle != null) {
      cacheHits++;
      cachedBlocks--;
      bytesCached -= size;
    }
    return handle;
  }

  private static String suffix(String s) {
    return s == null || s.isEmpty() ? "" : "; " + s;
  }

  /** Gives a block back to the cache, from a buffer's close(). Never touches the device. */
  void release(Block<H> block) {
    release(block, false);
  }

  /**
   * Gives a block back to the cache. Never touches the device.
   *
   * @param reclaimed the Cleaner released it because its buffer was never closed: counted apart,
   *     as a leak the GC caught, so that users and tests can tell it from an explicit close
   */
  synchronized void release(Block<H> block, boolean reclaimed) {
    if (!block.live) {
      throw new IllegalStateException("block released twice");
    }
    block.live = false;
    if (reclaimed) {
      reclaimedBlocks++;
      reclaimedBytes += block.size;
    }
    bytesInUse -= block.size;
    liveBlocks--;
    // A live graph's block goes back to its pool; any block released during a capture goes to
    // that graph's pool, since the graph may read it; one that is both stays with its own graph
    // and passes to the capturing one when its own closes first.
    Map<Long, ArrayDeque<H>> lists;
    if (block.pool != null && !block.pool.closed) {
      lists = block.pool.free;
      if (capturing != null && capturing != block.pool) {
        alsoHeldBy.computeIfAbsent(block.handle, h -> new ArrayList<>()).add(capturing);
      }
    } else {
      lists = capturing != null ? capturing.free : free;
    }
    lists.computeIfAbsent(block.size, s -> new ArrayDeque<>()).addLast(block.handle);
    bytesCached += block.size;
    cachedBlocks++;
  }

  /**
   * Starts the pool of a CUDA graph about to be captured: from now until {@link #endPool}, blocks
   * are handed out from it and released into it.
   */
  synchronized Pool<H> beginPool() {
    if (capturing != null) {
      throw new IllegalStateException("a CUDA graph is already being captured; captures do not "
          + "nest");
    }
    capturing = new Pool<>();
    return capturing;
  }

  /** The capture is over; the pool keeps its blocks for the graph's replays. */
  synchronized void endPool() {
    capturing = null;
  }

  /**
   * The graph is gone: its pool's free blocks join the shared cache (or the pool of another live
   * graph that may use them too), and its live ones will when released. Ends the capture too if
   * the pool is still capturing (a capture that failed).
   */
  synchronized void closePool(Pool<H> pool) {
    if (pool.closed) {
      return;
    }
    pool.closed = true;
    if (capturing == pool) {
      capturing = null;
    }
    pool.free.forEach((size, handles) -> {
      for (H h : handles) {
        List<Pool<H>> others = alsoHeldBy.remove(h);
        Pool<H> next = null;
        if (others != null) {
          others.removeIf(o -> o.closed);
          if (!others.isEmpty()) {
            next = others.remove(0);
            if (!others.isEmpty()) {
              alsoHeldBy.put(h, others);
            }
          }
        }
        (next != null ? next.free : free).computeIfAbsent(size, s -> new ArrayDeque<>()).add(h);
      }
    });
    pool.free.clear();
  }

  /** Gives every block of the shared cache back to the device (graphs keep their pools). */
  synchronized void emptyCache() {
    if (capturing != null) {
      throw new IllegalStateException("cannot empty the cache while a CUDA graph is captured: "
          + "freeing device memory waits for the stream");
    }
    long blocks = 0;
    for (ArrayDeque<H> list : free.values()) {
      blocks += list.size();
    }
    if (blocks == 0) {
      return;
    }
    raw.beforeFree();
    for (Map.Entry<Long, ArrayDeque<H>> e : free.entrySet()) {
      for (H h : e.getValue()) {
        raw.free(h);
        deviceFrees++;
        bytesCached -= e.getKey();
        cachedBlocks--;
      }
    }
    free.clear();
  }

  synchronized MemoryStats stats() {
    return new MemoryStats(bytesInUse, bytesCached, peak, liveBlocks, cachedBlocks, cacheHits,
        deviceAllocations, deviceFrees, reclaimedBlocks, reclaimedBytes);
  }
}
