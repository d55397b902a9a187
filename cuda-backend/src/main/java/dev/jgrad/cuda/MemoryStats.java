package dev.jgrad.cuda;

import dev.jgrad.api.ByteCounts;

/**
 * A snapshot of the caching device allocator, for tests and logging. Sizes are in bytes of size
 * classes (what the device actually holds), not the bytes the buffers asked for.
 *
 * @param bytesInUse held by live buffers
 * @param bytesCached freed by buffers and kept for reuse (also device memory, not free to others)
 * @param peakBytesInUse the most {@code bytesInUse} has been since the backend started
 * @param liveBlocks blocks held by live buffers
 * @param cachedBlocks blocks waiting in the cache
 * @param cacheHits allocations served from the cache
 * @param deviceAllocations allocations that went to the device (cuMemAlloc)
 * @param deviceFrees blocks given back to the device (cuMemFree), when the cache was emptied
 * @param reclaimedBlocks blocks released by the Cleaner because their buffer was never closed
 *     (leaks the GC caught; closed buffers never count here). Growth means a missing close().
 * @param reclaimedBytes the bytes of {@code reclaimedBlocks}
 */
public record MemoryStats(long bytesInUse, long bytesCached, long peakBytesInUse, long liveBlocks,
    long cachedBlocks, long cacheHits, long deviceAllocations, long deviceFrees,
    long reclaimedBlocks, long reclaimedBytes) {

  @Override
  public String toString() {
    return "in use " + human(bytesInUse) + " in " + liveBlocks + " blocks, cached "
        + human(bytesCached) + " in " + cachedBlocks + " blocks, peak " + human(peakBytesInUse)
        + ", " + cacheHits + " cache hits, " + deviceAllocations + " device allocations, "
        + deviceFrees + " device frees, " + reclaimedBlocks + " blocks ("
        + human(reclaimedBytes) + ") reclaimed by the Cleaner";
  }

  /** A byte count for people, e.g. "1.5 GiB" ({@link ByteCounts#human}). */
  static String human(long bytes) {
    return ByteCounts.human(bytes);
  }
}
