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
    if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      return null; // the allocator empties its cache and retries
    }
    CudaDriver.check(result, "cuMemAlloc(" + bytes + " bytes)");
    return p;
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
