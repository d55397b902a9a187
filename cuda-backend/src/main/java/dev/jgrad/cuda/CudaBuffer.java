package dev.jgrad.cuda;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;

/**
 * A block of device memory holding {@link #length()} elements of {@link #dtype()}.
 *
 * <p>{@link #close()} gives the block back to the backend's {@link CachingAllocator} at once (the
 * deterministic path: try-with-resources). A buffer that is never closed is released by a
 * {@link Cleaner} after the garbage collector finds it unreachable: a safety net, late and
 * unpredictable, since the GC knows nothing of GPU memory pressure; such releases are counted in
 * {@link MemoryStats#reclaimedBlocks()}. Zero-length buffers hold no device memory.
 */
final class CudaBuffer implements DeviceBuffer {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final CUdeviceptr NULL = new CUdeviceptr();

  private final Object owner;
  private final DType dtype;
  private final long length;
  private final CUdeviceptr pointer;
  private final Release release;
  private final Cleaner.Cleanable cleanable;
  private volatile boolean closed;

  /**
   * The Cleaner's action, run once by {@link #close()} or by the Cleaner's thread. Must not
   * reference the buffer, or the buffer would never be unreachable.
   */
  private static final class Release implements Runnable {
    private final CachingAllocator<CUdeviceptr> allocator;
    private final CachingAllocator.Block<CUdeviceptr> block;
    /** Set by close() before it runs the action; unset when the Cleaner runs it (a leak). */
    private volatile boolean explicit;

    Release(CachingAllocator<CUdeviceptr> allocator, CachingAllocator.Block<CUdeviceptr> block) {
      this.allocator = allocator;
      this.block = block;
    }

    @Override
    public void run() {
      if (block != null) {
        allocator.release(block, !explicit);
      }
    }
  }

  /**
   * @param owner the backend instance; a buffer is usable only with the backend that made it
   * @param block the device memory, or null for a zero-length buffer
   */
  CudaBuffer(Object owner, DType dtype, long length, CachingAllocator<CUdeviceptr> allocator,
      CachingAllocator.Block<CUdeviceptr> block) {
    this.owner = owner;
    this.dtype = dtype;
    this.length = length;
    this.pointer = block == null ? NULL : block.handle();
    this.release = new Release(allocator, block);
    this.cleanable = CLEANER.register(this, release);
  }

  /**
   * The buffer behind {@code buffer} if it is an open buffer of {@code owner}; otherwise an
   * exception naming the primitive, the argument and what is wrong with it.
   */
  static CudaBuffer of(String primitive, String argument, DeviceBuffer buffer, Object owner) {
    ArgumentChecks.usable(CudaBackend.NAME, primitive, argument, buffer);
    if (!(buffer instanceof CudaBuffer cb) || cb.owner != owner) {
      throw new IllegalArgumentException(ArgumentChecks.where(CudaBackend.NAME, primitive)
          + argument + " belongs to " + (buffer instanceof CudaBuffer
              ? "another cuda backend instance" : "no cuda backend (" + buffer.getClass().getName()
              + ")") + "; copy it to this backend first");
    }
    return cb;
  }

  /** The device address; only valid while the buffer is open. */
  CUdeviceptr pointer() {
    return pointer;
  }

  /** The device address of element {@code index}. */
  CUdeviceptr pointer(long index) {
    return index == 0 ? pointer : pointer.withByteOffset(index * dtype.byteSize());
  }

  long bytes() {
    return length * dtype.byteSize();
  }

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
    return CudaBackend.NAME;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    release.explicit = true; // before clean(): the Cleaner may run the action once we let go
    cleanable.clean(); // runs the release at most once, whoever calls first
  }

  @Override
  public String toString() {
    return "CudaBuffer{" + dtype + "[" + length + "]" + (closed ? ", closed" : "") + "}";
  }
}
