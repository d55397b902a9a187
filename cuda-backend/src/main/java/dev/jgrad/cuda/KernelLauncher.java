package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.lang.ref.Reference;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;

/** Launches kernels on the backend's stream; asynchronous, like every call of the backend. */
final class KernelLauncher {
  private final CudaContext context;
  private final PtxModules modules;

  KernelLauncher(CudaContext context, PtxModules modules) {
    this.context = context;
    this.modules = modules;
  }

  /**
   * Launches {@code args.kernel()} with {@code geometry}.
   *
   * @param keepAlive the buffers the kernel uses: kept reachable until the launch is queued, so
   *     the Cleaner cannot hand their memory to someone else in between (after it is queued,
   *     stream order protects them)
   */
  void launch(KernelArgs args, LaunchGeometry.Launch geometry, Object... keepAlive) {
    CUfunction f = modules.function(args.kernel(), args.dtype());
    int result = cuLaunchKernel(f, geometry.gridX(), geometry.gridY(), geometry.gridZ(),
        geometry.blockX(), geometry.blockY(), geometry.blockZ(), 0, context.stream, args.build(),
        null);
    if (result != CUresult.CUDA_SUCCESS) { // the message only when it is needed: every launch
      CudaDriver.check(result, "launching " + args.kernel().entry(args.dtype()) + " with "
          + geometry);
    }
    if (args.kernel() == Kernel.GEMM) { // a product, counted with cuBLAS's, which it stands in for
      context.activity.gemmCall();
    } else {
      context.activity.kernelLaunch();
    }
    Reference.reachabilityFence(keepAlive);
  }
}
