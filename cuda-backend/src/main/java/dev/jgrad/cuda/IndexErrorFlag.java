package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The device-side error record that index-reading kernels write (see {@link IndexErrorRecord}).
 * It is read back only after a launch that could have written it, at the next synchronisation,
 * so a training step that uses no index primitive pays nothing.
 */
final class IndexErrorFlag {
  private final CudaContext context;
  private final CUdeviceptr record = new CUdeviceptr();
  private boolean armed;

  IndexErrorFlag(CudaContext context) {
    this.context = context;
    CudaDriver.check(cuMemAlloc(record, IndexErrorRecord.LONGS * 8L), "cuMemAlloc(error record)");
    clear();
    CudaDriver.check(cuStreamSynchronize(context.stream), "cuStreamSynchronize");
  }

  /** The record's address, for a kernel's arguments; call {@link #launched()} once it is queued. */
  CUdeviceptr record() {
    return record;
  }

  /**
   * A kernel that may write the record was queued: read it at the next synchronisation. Called
   * after the launch, not before, so that a launch from another thread (a prefetcher) racing a
   * {@link #check} is never missed: queued before the check's read, the read waits for it; armed
   * after it, the next check reads again.
   */
  synchronized void launched() {
    armed = true;
  }

  /**
   * Reads the record; the stream must have been synchronised. Throws the first bad index any
   * kernel reported since the last check, and clears the record.
   *
   * @param detectedAt the call that is synchronising, e.g. "download"
   */
  synchronized void check(String detectedAt) {
    if (!armed) {
      return;
    }
    armed = false;
    long[] values = new long[IndexErrorRecord.LONGS];
    CudaDriver.check(cuMemcpyDtoH(Pointer.to(values), record, values.length * 8L),
        "reading the index error record");
    context.activity.hostCopy();
    RuntimeException e = IndexErrorRecord.toException(values, detectedAt);
    if (e != null) {
      clear();
      throw e;
    }
  }

  private void clear() {
    CudaDriver.check(cuMemsetD32Async(record, 0, IndexErrorRecord.LONGS * 2L, context.stream),
        "clearing the index error record");
    context.activity.memoryOp();
  }
}
