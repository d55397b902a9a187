package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * CudaBuffer without a GPU: ownership and closed checks (the argument contract itself is tested
 * in api's BackendContractTest), and its blocks' way back to the caching allocator.
 */
class CudaBufferTest {
  /** A buffer of another backend. */
  private static DeviceBuffer foreign(DType dtype, long length) {
    return new DeviceBuffer() {
      @Override
      public DType dtype() {
        return dtype;
      }

      @Override
      public long length() {
        return length;
      }

      @Override
      public String backendName() {
        return "cpu";
      }

      @Override
      public boolean isClosed() {
        return false;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void buffersOfOtherBackendsClosedOrNullAreRejected() {
    Object owner = new Object();
    CudaBuffer mine = new CudaBuffer(owner, DType.FLOAT32, 0, null, null);
    assertSame(mine, CudaBuffer.of("fill", "dst", mine, owner));
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> CudaBuffer.of("fill", "dst", foreign(DType.FLOAT32, 0), owner));
    assertTrue(other.getMessage().contains("fill on the cuda backend: dst belongs to backend "
        + "'cpu'"), other.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CudaBuffer.of("fill", "dst", mine, new Object()));
    assertThrows(NullPointerException.class, () -> CudaBuffer.of("fill", "dst", null, owner));
    mine.close();
    mine.close(); // closing twice is harmless
    assertTrue(mine.isClosed());
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> CudaBuffer.of("fill", "dst", mine, owner));
    assertTrue(closed.getMessage().contains("dst (FLOAT32[0]) is closed"), closed.getMessage());
    assertEquals("cuda", mine.backendName());
  }

  /** An allocator over pretend device memory: CUdeviceptr objects are plain Java until used. */
  private static CachingAllocator<CUdeviceptr> fakeAllocator() {
    return new CachingAllocator<>(
        new CachingAllocator.RawMemory<>() {
          @Override
          public CUdeviceptr allocate(long bytes) {
            return new CUdeviceptr();
          }

          @Override
          public void free(CUdeviceptr handle) {}
        }, () -> "fake");
  }

  @Test
  void closingReturnsTheBlockToTheAllocatorOnce() {
    // CUdeviceptr objects are plain Java until a driver call uses them.
    CachingAllocator<CUdeviceptr> a = fakeAllocator();
    CudaBuffer buf = new CudaBuffer(new Object(), DType.FLOAT32, 1000, a, a.allocate(4000, "x"));
    assertEquals(4096, a.stats().bytesInUse());
    buf.close();
    buf.close();
    assertEquals(0, a.stats().bytesInUse());
    assertEquals(4096, a.stats().bytesCached());
    assertEquals(0, a.stats().reclaimedBlocks(), "a closed buffer is not a leak");
    assertEquals(0, a.stats().reclaimedBytes());
  }

  @Test
  void anUnclosedBufferIsReleasedByTheCleaner() throws InterruptedException {
    CachingAllocator<CUdeviceptr> a = fakeAllocator();
    for (int i = 0; i < 100; i++) {
      new CudaBuffer(new Object(), DType.FLOAT64, 64, a, a.allocate(512, "x")); // never closed
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (a.stats().bytesInUse() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(0, a.stats().bytesInUse(), "the Cleaner released every unreachable buffer");
    assertEquals(100, a.stats().reclaimedBlocks(), "each counted as reclaimed");
    assertEquals(100 * 512, a.stats().reclaimedBytes());
  }

  @Test
  void onlyBuffersNeverClosedCountAsReclaimed() throws InterruptedException {
    CachingAllocator<CUdeviceptr> a = fakeAllocator();
    for (int i = 0; i < 100; i++) {
      CudaBuffer buf = new CudaBuffer(new Object(), DType.FLOAT32, 1000, a, a.allocate(4000, "x"));
      if (i % 2 == 0) {
        buf.close(); // unreachable too, but its release already ran: the Cleaner skips it
      }
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (a.stats().bytesInUse() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    MemoryStats s = a.stats();
    assertEquals(0, s.bytesInUse(), "the Cleaner released every unreachable buffer");
    assertEquals(50, s.reclaimedBlocks(), "the 50 unclosed buffers, not the 50 closed: " + s);
    assertEquals(50 * 4096, s.reclaimedBytes(), "size-class bytes");
  }
}
