package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.nio.file.Path;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;

/**
 * The part of the availability probe that talks to the driver, once libcuda.so.1 is known to
 * exist: loads it, initialises it and asks for a usable device. Returns the problem or null.
 *
 * <p>Nothing here can abort the JVM: a library that fails to load is an
 * {@link UnsatisfiedLinkError}, and the driver calls below only read information.
 */
final class CudaDriverCheck {
  /** The PTX declares ISA 8.0, which CUDA 12.0 drivers (R525) and newer accept. */
  static final int MIN_DRIVER_VERSION = 12000;
  /** The PTX targets compute_75 (Turing); older GPUs cannot run it. */
  static final int MIN_COMPUTE = 75;

  /** cuBLAS 13 needs a driver for CUDA 13.0 or newer (R580+). */
  static final int MIN_DRIVER_VERSION_CUBLAS13 = 13000;

  /**
   * What the check found: the problem, or null when the driver and GPU are usable, and the CUDA
   * version the driver supports as {@code cuDriverGetVersion} gives it (e.g. 12040; 0 unknown).
   */
  record Result(String problem, int cudaVersion) {
    static Result usable(int cudaVersion) {
      return new Result(null, cudaVersion);
    }

    static Result problem(String problem) {
      return new Result(problem, 0);
    }
  }

  private CudaDriverCheck() {}

  /** "12.4" for 12040. */
  static String versionName(int cudaVersion) {
    return cudaVersion / 1000 + "." + cudaVersion % 1000 / 10;
  }

  static Result check(Path libcuda, int ordinal) {
    try {
      // By absolute path first: JCuda's libJCudaDriver then finds it by soname even when its
      // folder is not on the loader's path.
      System.load(libcuda.toString());
    } catch (UnsatisfiedLinkError e) {
      return Result.problem("libcuda.so.1 was found at " + libcuda + " but could not be loaded: "
          + e.getMessage());
    }
    try {
      return query(ordinal);
    } catch (LinkageError e) { // JCuda's native binding failed to load or link
      return Result.problem("JCuda's driver binding could not be loaded with " + libcuda + ": "
          + e);
    }
  }

  private static Result query(int ordinal) {
    int[] version = new int[1];
    String problem = problem(ordinal, version);
    return problem == null ? Result.usable(version[0]) : new Result(problem, version[0]);
  }

  /** The problem or null; {@code version[0]} gets the driver's CUDA version once known. */
  private static String problem(int ordinal, int[] version) {
    int result = cuInit(0);
    if (result == CUresult.CUDA_ERROR_NO_DEVICE) {
      return "no CUDA device: the NVIDIA driver is installed but reports no GPU (cuInit: "
          + CudaDriver.name(result) + "; check CUDA_VISIBLE_DEVICES and the container's GPU "
          + "access)";
    }
    if (result == CUresult.CUDA_ERROR_STUB_LIBRARY) {
      return "the libcuda.so.1 found is the CUDA toolkit's stub, not a real driver (cuInit: "
          + CudaDriver.name(result) + "); install the NVIDIA driver";
    }
    if (result != CUresult.CUDA_SUCCESS) {
      return "the NVIDIA driver failed to initialise (cuInit: " + CudaDriver.name(result) + ")";
    }
    result = cuDriverGetVersion(version);
    if (result != CUresult.CUDA_SUCCESS) {
      return "cuDriverGetVersion failed: " + CudaDriver.name(result);
    }
    if (version[0] < MIN_DRIVER_VERSION) {
      return "the NVIDIA driver is too old: it supports CUDA " + versionName(version[0])
          + ", and jgrad's kernels (PTX ISA 8.0) need a driver for CUDA 12.0 or newer (R525+)";
    }
    int[] count = new int[1];
    result = cuDeviceGetCount(count);
    if (result != CUresult.CUDA_SUCCESS || count[0] == 0) {
      return "no CUDA device (cuDeviceGetCount: " + CudaDriver.name(result) + ", " + count[0]
          + " devices)";
    }
    if (ordinal < 0 || ordinal >= count[0]) {
      return "-D" + CudaBackend.DEVICE_PROPERTY + "=" + ordinal + " but only " + count[0]
          + " CUDA device(s) are visible";
    }
    CUdevice device = new CUdevice();
    result = cuDeviceGet(device, ordinal);
    if (result != CUresult.CUDA_SUCCESS) {
      return "cuDeviceGet(" + ordinal + ") failed: " + CudaDriver.name(result);
    }
    int[] major = new int[1];
    int[] minor = new int[1];
    result = cuDeviceGetAttribute(major,
        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    if (result == CUresult.CUDA_SUCCESS) {
      result = cuDeviceGetAttribute(minor,
          CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    }
    if (result != CUresult.CUDA_SUCCESS) { // else it would read as compute capability 0.0
      return "cuDeviceGetAttribute(compute capability) of GPU " + ordinal + " failed: "
          + CudaDriver.name(result);
    }
    if (major[0] * 10 + minor[0] < MIN_COMPUTE) {
      return "GPU " + ordinal + " has compute capability " + major[0] + "." + minor[0]
          + "; jgrad's kernels need 7.5 (Turing) or newer";
    }
    return null;
  }
}
