package dev.jgrad.cuda;

import jcuda.driver.CUresult;

/**
 * Result checking for JCuda driver calls. JCuda's own exceptions are left disabled (its default)
 * so that each failure can name what the backend was doing, not only the error code.
 */
final class CudaDriver {
  private CudaDriver() {}

  /** The driver's name for a result code, e.g. "CUDA_ERROR_OUT_OF_MEMORY (2)". */
  static String name(int result) {
    return CUresult.stringFor(result) + " (" + result + ")";
  }

  /** Fails with "cuda backend: WHAT failed: ERROR" unless {@code result} is CUDA_SUCCESS. */
  static void check(int result, String what) {
    if (result != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException("cuda backend: " + what + " failed: " + name(result)
          + hint(result));
    }
  }

  private static String hint(int result) {
    return switch (result) {
      case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED ->
          ". A kernel faulted; the CUDA context is unusable until the JVM restarts. This is a bug "
              + "in jgrad's CUDA backend (every geometry is checked on the host): please report it";
      case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
          ". The driver is older than the PTX ISA 8.0 of jgrad's kernels: update the NVIDIA "
              + "driver to one for CUDA 12.0 or newer";
      default -> "";
    };
  }
}
