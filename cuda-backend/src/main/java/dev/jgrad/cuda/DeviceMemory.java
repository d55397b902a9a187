package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/** The raw device memory under the {@link CachingAllocator}: cuMemAlloc and cuMemFree. */
final class DeviceMemory implements CachingAllocator.RawMemory<CUdeviceptr> {
  private final CudaContext context;

  DeviceMemory(CudaContext context) {
    this.context = context;
  }

  @Override
  public CUdeviceptr allocate(long bytes) {
    context.makeCurrent();
    CUdeviceptr p = new CUdeviceptr();
    int result = cuMemAlloc(p, bytes);
    if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY
        || (result != CUresult.CUDA_SUCCESS && exceedsDevice(bytes))) {
      return null; // the allocator empties its cache and retries
    }
    CudaDriver.check(result, "cuMemAlloc(" + bytes + " bytes)");
    return p;
  }

  /**
   * Whether {@code bytes} is more than the device has at all. Drivers may answer such a request
   * with another error than out of memory (e.g. CUDA_ERROR_INVALID_VALUE), yet out of memory is
   * what it is. False when the total cannot be read (a broken context): that error then stands.
   */
  private boolean exceedsDevice(long bytes) {
    try {
      return bytes > context.memoryInfo()[1];
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void free(CUdeviceptr handle) {
    CudaDriver.check(cuMemFree(handle), "cuMemFree");
  }

  /** Cached blocks may still be read by queued kernels of their last owner: let those finish. */
  @Override
  public void beforeFree() {
    context.makeCurrent();
    CudaDriver.check(cuStreamSynchronize(context.stream), "cuStreamSynchronize before cuMemFree");
    context.activity.hostWait();
  }

  @Override
  public String describe() {
    try {
      long[] info = context.memoryInfo();
      return "the device reports " + MemoryStats.human(info[0]) + " free of "
          + MemoryStats.human(info[1]);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
