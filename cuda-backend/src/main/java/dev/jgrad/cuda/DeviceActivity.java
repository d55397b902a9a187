package dev.jgrad.cuda;

import java.util.Locale;

/**
 * What a backend has queued on its stream, and how often the host waited for it, since it
 * started. A small model's step on a GPU is bound by these rather than by arithmetic (each launch
 * costs the host microseconds, each wait a round trip), so they are the first thing to read when
 * a step is slow: take one before and one after, {@link #since}, and divide by the steps.
 *
 * @param kernelLaunches the backend's own kernels and op kernels' PTX (fused and plugin ops)
 * @param gemmCalls cuBLAS products, single or strided-batched (each one or more kernels), or
 *     jgrad's own product kernel where it stands in for cuBLAS ({@code -Djgrad.cuda.gemm=ptx})
 * @param memoryOps driver fills and device-to-device copies queued on the stream
 * @param hostWaits synchronisations: {@code synchronize()} and every download
 * @param hostCopies synchronous copies between host and device (uploads, downloads, and reading
 *     the index error record after a launch that could have written it)
 * @param graphLaunches CUDA graph launches ({@link CudaGraph#launch}): each replays what was
 *     captured, which the other counts took in once, when it was captured
 */
public record DeviceActivity(long kernelLaunches, long gemmCalls, long memoryOps, long hostWaits,
    long hostCopies, long graphLaunches) {

  /** What happened between {@code earlier} and this snapshot. */
  public DeviceActivity since(DeviceActivity earlier) {
    return new DeviceActivity(kernelLaunches - earlier.kernelLaunches,
        gemmCalls - earlier.gemmCalls, memoryOps - earlier.memoryOps,
        hostWaits - earlier.hostWaits, hostCopies - earlier.hostCopies,
        graphLaunches - earlier.graphLaunches);
  }

  /** These counts averaged over {@code steps}, e.g. "per step: 21.0 kernel launches, ...". */
  public String perStep(long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    double n = steps;
    return String.format(Locale.ROOT, "per step: %.1f kernel launches, %.1f cuBLAS calls, %.1f "
        + "memory ops, %.2f host waits, %.2f host copies", kernelLaunches / n, gemmCalls / n,
        memoryOps / n, hostWaits / n, hostCopies / n)
        + (graphLaunches == 0 ? "" : String.format(Locale.ROOT, ", %.2f graph launches",
            graphLaunches / n));
  }
}
