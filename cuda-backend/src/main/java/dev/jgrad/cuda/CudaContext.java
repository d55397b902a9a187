package dev.jgrad.cuda;

import static dev.jgrad.cuda.CudaDriver.check;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamCreate;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One GPU's primary context and the single stream every operation of a backend runs on.
 *
 * <p>The primary context, not a context of our own, because cuBLAS (through the CUDA runtime)
 * uses the device's primary context: sharing it means one address space for our buffers and
 * cuBLAS's work. One stream, created blocking (CU_STREAM_DEFAULT), because then (a) work is
 * ordered without events, which is what lets the allocator reuse freed blocks at once, and
 * (b) the synchronous host copies, which run on the legacy default stream, wait for it.
 */
final class CudaContext {
  final int ordinal;
  final CUdevice device = new CUdevice();
  final CUcontext context = new CUcontext();
  final CUstream stream = new CUstream();
  /** Whether a CUDA graph is being captured on the stream, and by which thread. */
  final CaptureState capture = new CaptureState();
  /** What the backend on this context queues and waits for ({@link DeviceActivity}). */
  final ActivityCounter activity = new ActivityCounter();
  final String name;
  final int computeMajor;
  final int computeMinor;
  final int multiprocessors;

  private CudaContext(int ordinal) {
    this.ordinal = ordinal;
    check(cuInit(0), "cuInit");
    int[] count = new int[1];
    check(cuDeviceGetCount(count), "cuDeviceGetCount");
    if (ordinal < 0 || ordinal >= count[0]) {
      throw new IllegalStateException("cuda backend: device " + ordinal + " requested (-D"
          + CudaBackend.DEVICE_PROPERTY + ") but " + count[0] + " CUDA device(s) are visible");
    }
    check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    // Blocking, not CU_STREAM_NON_BLOCKING: uploads (cuMemcpyHtoD on the legacy stream) must wait
    // for the kernels queued here, since the allocator hands a released block out again at once
    check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
    byte[] nameBytes = new byte[256];
    check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
    int len = 0;
    while (len < nameBytes.length && nameBytes[len] != 0) {
      len++;
    }
    this.name = new String(nameBytes, 0, len, StandardCharsets.UTF_8);
    this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  }

  static CudaContext open(int ordinal) {
    return new CudaContext(ordinal);
  }

  private int attribute(int attribute) {
    int[] v = new int[1];
    check(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
    return v[0];
  }

  /**
   * Makes the context current on the calling thread. CUDA contexts are per thread; a backend may
   * be used from several threads, so every entry point calls this (it is cheap). It also refuses
   * a thread that is not the one capturing a graph, if one is.
   */
  void makeCurrent() {
    capture.checkThread();
    check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  /** Free and total device memory in bytes. */
  long[] memoryInfo() {
    long[] free = new long[1];
    long[] total = new long[1];
    check(cuMemGetInfo(free, total), "cuMemGetInfo");
    return new long[] {free[0], total[0]};
  }

  @Override
  public String toString() {
    return "cuda device " + ordinal + " (" + name + ", compute capability " + computeMajor + "."
        + computeMinor + ", " + multiprocessors + " SMs)";
  }
}
