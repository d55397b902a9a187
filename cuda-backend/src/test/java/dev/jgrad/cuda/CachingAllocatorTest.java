package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The caching allocator over a fake device with a fixed capacity. */
class CachingAllocatorTest {
  /** A fake device: hands out distinct handles while capacity lasts. */
  static final class FakeDevice implements CachingAllocator.RawMemory<Object> {
    final long capacity;
    long used;
    int allocations;
    int frees;
    int barriers;
    final Set<Object> live = new HashSet<>();
    final List<Long> sizes = new ArrayList<>();

    FakeDevice(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public synchronized Object allocate(long bytes) {
      if (used + bytes > capacity) {
        return null;
      }
      used += bytes;
      allocations++;
      sizes.add(bytes);
      Object h = new long[] {bytes};
      live.add(h);
      return h;
    }

    @Override
    public synchronized void free(Object handle) {
      assertTrue(live.remove(handle), "freed a handle that is not live");
      used -= ((long[]) handle)[0];
      frees++;
    }

    @Override
    public void beforeFree() {
      barriers++;
    }

    @Override
    public String describe() {
      return "the fake device has " + (capacity - used) + " bytes free";
    }
  }

  private static CachingAllocator<Object> allocator(FakeDevice d) {
    return new CachingAllocator<>(d, () -> "cuda device 0 (fake)");
  }

  @Test
  void sizeClassesWasteAtMostAQuarter() {
    assertEquals(512, CachingAllocator.sizeClass(1));
    assertEquals(512, CachingAllocator.sizeClass(512));
    assertEquals(1024, CachingAllocator.sizeClass(513));
    assertEquals(5120, CachingAllocator.sizeClass(4097));
    assertEquals(8192, CachingAllocator.sizeClass(8192));
    assertEquals(1L << 30, CachingAllocator.sizeClass(1L << 30));
    for (long b = 1; b < 10_000_000; b = b * 3 + 7) {
      long c = CachingAllocator.sizeClass(b);
      assertTrue(c >= b, "class " + c + " < " + b);
      assertTrue(b <= 512 || c <= b * 1.25 + 512, "class " + c + " wastes too much for " + b);
      assertEquals(c, CachingAllocator.sizeClass(c), "a class is its own class");
    }
  }

  @Test
  void freedBlocksAreReusedBySizeClass() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Block<Object> b1 = a.allocate(4000, "x");
    Object h = b1.handle();
    a.release(b1);
    CachingAllocator.Block<Object> b2 = a.allocate(3900, "y"); // same class (4096)
    assertSame(h, b2.handle());
    CachingAllocator.Block<Object> b3 = a.allocate(100, "z"); // another class
    assertNotSame(h, b3.handle());
    assertEquals(2, d.allocations);
    MemoryStats s = a.stats();
    assertEquals(4096 + 512, s.bytesInUse());
    assertEquals(0, s.bytesCached());
    assertEquals(1, s.cacheHits());
    assertEquals(2, s.deviceAllocations());
  }

  @Test
  void statsTrackInUseCachedAndPeak() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Block<Object> x = a.allocate(10_000, "x");
    CachingAllocator.Block<Object> y = a.allocate(20_000, "y");
    long peak = x.size() + y.size();
    a.release(x);
    MemoryStats s = a.stats();
    assertEquals(y.size(), s.bytesInUse());
    assertEquals(x.size(), s.bytesCached());
    assertEquals(peak, s.peakBytesInUse());
    assertEquals(1, s.liveBlocks());
    assertEquals(1, s.cachedBlocks());
    a.release(y);
    a.emptyCache();
    s = a.stats();
    assertEquals(0, s.bytesInUse());
    assertEquals(0, s.bytesCached());
    assertEquals(peak, s.peakBytesInUse());
    assertEquals(2, s.deviceFrees());
    assertEquals(0, d.used);
    assertEquals(1, d.barriers, "one barrier before the batch of frees");
  }

  @Test
  void aSteadyTrainingLoopStopsAllocatingOnTheDevice() {
    FakeDevice d = new FakeDevice(1 << 24);
    CachingAllocator<Object> a = allocator(d);
    long[] sizes = {400 * 784, 400 * 100, 400 * 10, 400, 100 * 784 * 4, 7};
    for (int step = 0; step < 100; step++) {
      List<CachingAllocator.Block<Object>> held = new ArrayList<>();
      for (long s : sizes) {
        held.add(a.allocate(s, "step"));
      }
      held.forEach(a::release);
    }
    assertEquals(sizes.length, d.allocations, "only the first step allocates");
    assertEquals(0, a.stats().bytesInUse());
  }

  @Test
  void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
    FakeDevice d = new FakeDevice(10_240);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Block<Object> small = a.allocate(4096, "small");
    a.release(small); // cached: 4096 of the 10240 are taken by the cache
    CachingAllocator.Block<Object> big = a.allocate(8192, "big"); // fits only after emptying
    assertEquals(8192, big.size());
    assertEquals(1, d.frees);
    assertEquals(0, a.stats().bytesCached());
  }

  @Test
  void outOfMemorySaysHowMuchWasAskedAndIsInUse() {
    FakeDevice d = new FakeDevice(10_240);
    CachingAllocator<Object> a = allocator(d);
    a.allocate(6000, "FLOAT32[1500]");
    DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
        () -> a.allocate(8000, "FLOAT32[2000]"));
    String m = e.getMessage();
    assertTrue(m.contains("cuda device 0 (fake)"), m);
    assertTrue(m.contains("FLOAT32[2000]"), m);
    assertTrue(m.contains("8000 bytes"), m);
    assertTrue(m.contains("6.0 KiB in use by 1 live buffers"), m);
    assertTrue(m.contains("emptied its cache and retried once"), m);
    assertTrue(m.contains("the fake device has"), m);
    assertEquals(8000, e.requestedBytes());
    assertEquals(6144, e.bytesInUse());
    // the op that asked goes in front (Ops does this), and it stays the device's type
    DeviceOutOfMemoryException inOp = e.in("jgrad::matmul on cuda, output FLOAT32[2000]");
    assertTrue(inOp.getMessage().startsWith("jgrad::matmul on cuda, output FLOAT32[2000]: " + m),
        inOp.getMessage());
    assertEquals(8000, inOp.requestedBytes());
    assertEquals(6144, inOp.bytesInUse());
    assertSame(e, inOp.getCause());
  }

  @Test
  void blocksTheCleanerReclaimedAreCountedApart() {
    CachingAllocator<Object> a = allocator(new FakeDevice(1 << 20));
    CachingAllocator.Block<Object> closed = a.allocate(10_000, "x");
    CachingAllocator.Block<Object> leaked = a.allocate(3000, "y");
    a.release(closed);
    MemoryStats s = a.stats();
    assertEquals(0, s.reclaimedBlocks(), "a close is not a reclaim");
    assertEquals(0, s.reclaimedBytes());
    a.release(leaked, true);
    s = a.stats();
    assertEquals(1, s.reclaimedBlocks());
    assertEquals(3072, s.reclaimedBytes(), "the size class, as bytesInUse counts it");
    assertEquals(0, s.bytesInUse());
    assertEquals(2, s.cachedBlocks(), "a reclaimed block is cached like any other");
    assertTrue(s.toString().endsWith(", 1 blocks (3.0 KiB) reclaimed by the Cleaner"),
        s.toString());
  }

  @Test
  void releasingTwiceIsABug() {
    CachingAllocator<Object> a = allocator(new FakeDevice(1 << 20));
    CachingAllocator.Block<Object> b = a.allocate(10, "x");
    a.release(b);
    assertThrows(IllegalStateException.class, () -> a.release(b));
    assertThrows(IllegalArgumentException.class, () -> a.allocate(0, "x"));
  }

  @Test
  void concurrentReleasesKeepTheBooksBalanced() throws InterruptedException {
    FakeDevice d = new FakeDevice(1L << 40);
    CachingAllocator<Object> a = allocator(d);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.submit(() -> {
        for (int i = 0; i < 2000; i++) {
          a.release(a.allocate(512L * (1 + i % 7), "x"));
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    MemoryStats s = a.stats();
    assertEquals(0, s.bytesInUse());
    assertEquals(0, s.liveBlocks());
    assertEquals(s.cachedBlocks(), s.deviceAllocations());
  }

  @Test
  void humanSizes() {
    assertEquals("0 bytes", MemoryStats.human(0));
    assertEquals("1.5 KiB", MemoryStats.human(1536));
    assertEquals("2.0 GiB", MemoryStats.human(2L << 30));
  }

  // ---- CUDA graphs: a captured graph's blocks are its own until it is closed --------------------

  @Test
  void aGraphKeepsItsBlocksFromOtherBuffersUntilClosed() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Pool<Object> pool = a.beginPool();
    CachingAllocator.Block<Object> temp = a.allocate(4000, "temp");
    a.release(temp); // a temporary of the captured step: the graph's replays write it
    CachingAllocator.Block<Object> again = a.allocate(4000, "second temp");
    assertSame(temp.handle(), again.handle(), "within the capture, blocks are reused");
    a.release(again);
    a.endPool();
    CachingAllocator.Block<Object> other = a.allocate(4000, "after the capture");
    assertNotSame(temp.handle(), other.handle(), "the graph's block is not handed out");
    a.release(other);
    a.emptyCache();
    assertEquals(1, d.frees, "emptying frees the shared cache only, not the graph's block");
    assertTrue(d.live.contains(temp.handle()));
    a.closePool(pool);
    CachingAllocator.Block<Object> reused = a.allocate(4000, "after closing the graph");
    assertSame(temp.handle(), reused.handle(), "a closed graph's blocks join the shared cache");
    MemoryStats s = a.stats();
    assertEquals(4096, s.bytesInUse());
    assertEquals(0, s.bytesCached());
    assertEquals(0, s.cachedBlocks());
  }

  @Test
  void aBlockReleasedDuringACaptureBelongsToTheGraph() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Block<Object> input = a.allocate(4000, "made before the capture");
    CachingAllocator.Pool<Object> pool = a.beginPool();
    a.release(input); // the captured kernels may read it
    a.endPool();
    CachingAllocator.Block<Object> other = a.allocate(4000, "after the capture");
    assertNotSame(input.handle(), other.handle());
    a.closePool(pool);
    a.release(other);
    assertEquals(2, a.stats().cachedBlocks());
  }

  @Test
  void aCaptureTakesFreeBlocksOfTheSharedCacheAndKeepsThem() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Block<Object> free = a.allocate(4000, "x");
    a.release(free);
    CachingAllocator.Pool<Object> pool = a.beginPool();
    CachingAllocator.Block<Object> taken = a.allocate(4000, "in the capture");
    assertSame(free.handle(), taken.handle(), "no one owned it: the graph may take it");
    a.endPool();
    a.release(taken); // released after the capture: back to the graph, not the shared cache
    CachingAllocator.Block<Object> other = a.allocate(4000, "y");
    assertNotSame(free.handle(), other.handle());
    assertEquals(2, d.allocations);
    a.closePool(pool);
  }

  /**
   * A block of graph A released while graph B is captured: both may use it. Whichever closes
   * first, the block stays from other buffers until both are closed (no more closing order).
   */
  @Test
  void aBlockTwoGraphsUseStaysReservedUntilBothAreClosedInEitherOrder() {
    for (boolean aFirst : new boolean[] {true, false}) {
      FakeDevice d = new FakeDevice(1 << 20);
      CachingAllocator<Object> a = allocator(d);
      CachingAllocator.Pool<Object> poolA = a.beginPool();
      CachingAllocator.Block<Object> out = a.allocate(4000, "graph A's output, read by B");
      a.endPool();
      CachingAllocator.Pool<Object> poolB = a.beginPool();
      a.release(out); // B's captured work read it, then closed it
      a.endPool();
      a.closePool(aFirst ? poolA : poolB);
      CachingAllocator.Block<Object> other = a.allocate(4000, "with one graph still open");
      assertNotSame(out.handle(), other.handle(), "the open graph still uses it (A first: "
          + aFirst + ")");
      a.release(other);
      a.closePool(aFirst ? poolB : poolA);
      CachingAllocator.Block<Object> x = a.allocate(4000, "after both");
      CachingAllocator.Block<Object> y = a.allocate(4000, "after both, again");
      assertTrue(x.handle() == out.handle() || y.handle() == out.handle(),
          "after both closed it is the shared cache's (A first: " + aFirst + ")");
      assertEquals(2, d.allocations, "no third block was needed");
    }
  }

  @Test
  void aLiveBlockOfAClosedGraphJoinsTheSharedCacheWhenReleased() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Pool<Object> pool = a.beginPool();
    CachingAllocator.Block<Object> loss = a.allocate(600, "the captured loss");
    a.endPool();
    a.closePool(pool);
    a.release(loss);
    assertSame(loss.handle(), a.allocate(600, "x").handle());
  }

  @Test
  void outOfMemoryDuringACaptureDoesNotEmptyTheCache() {
    FakeDevice d = new FakeDevice(8192);
    CachingAllocator<Object> a = allocator(d);
    a.release(a.allocate(4096, "cached"));
    a.beginPool();
    DeviceOutOfMemoryException e =
        assertThrows(DeviceOutOfMemoryException.class, () -> a.allocate(8000, "big"));
    assertTrue(e.getMessage().contains("while capturing a CUDA graph, which cannot wait to empty "
        + "the cache"), e.getMessage());
    assertEquals(0, d.barriers, "emptying the cache waits for the stream: not in a capture");
    assertEquals(0, d.frees);
    IllegalStateException empty = assertThrows(IllegalStateException.class, a::emptyCache);
    assertEquals("cannot empty the cache while a CUDA graph is captured: freeing device memory "
        + "waits for the stream", empty.getMessage());
    IllegalStateException nested = assertThrows(IllegalStateException.class, a::beginPool);
    assertEquals("a CUDA graph is already being captured; captures do not nest",
        nested.getMessage());
  }

  @Test
  void closingThePoolOfAFailedCaptureEndsTheCapture() {
    FakeDevice d = new FakeDevice(1 << 20);
    CachingAllocator<Object> a = allocator(d);
    CachingAllocator.Pool<Object> pool = a.beginPool();
    CachingAllocator.Block<Object> t = a.allocate(4000, "t");
    a.release(t);
    a.closePool(pool); // the capture failed: no graph keeps the block
    assertSame(t.handle(), a.allocate(4000, "u").handle());
    a.beginPool(); // a new capture may start
  }
}
