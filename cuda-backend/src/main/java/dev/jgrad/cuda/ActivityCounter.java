package dev.jgrad.cuda;

import java.util.concurrent.atomic.LongAdder;

/**
 * The running counts behind {@link DeviceActivity}, one per backend (on its {@link CudaContext}).
 * Adders, because a backend may be called from several threads (a prefetcher, a user's pool).
 */
final class ActivityCounter {
  private final LongAdder kernelLaunches = new LongAdder();
  private final LongAdder gemmCalls = new LongAdder();
  private final LongAdder memoryOps = new LongAdder();
  private final LongAdder hostWaits = new LongAdder();
  private final LongAdder hostCopies = new LongAdder();
  private final LongAdder graphLaunches = new LongAdder();

  void kernelLaunch() {
    kernelLaunches.increment();
  }

  void gemmCall() {
    gemmCalls.increment();
  }

  void memoryOp() {
    memoryOps.increment();
  }

  void hostWait() {
    hostWaits.increment();
  }

  void hostCopy() {
    hostCopies.increment();
  }

  void graphLaunch() {
    graphLaunches.increment();
  }

  DeviceActivity snapshot() {
    return new DeviceActivity(kernelLaunches.sum(), gemmCalls.sum(), memoryOps.sum(),
        hostWaits.sum(), hostCopies.sum(), graphLaunches.sum());
  }
}
