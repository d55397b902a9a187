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
      // The errors after which the context is lost (sticky): every later call returns the same.
      case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED,
          CUresult.CUDA_ERROR_MISALIGNED_ADDRESS, CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION,
          CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE, CUresult.CUDA_ERROR_INVALID_PC,
          CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR, CUresult.CUDA_ERROR_ASSERT ->
          ". A kernel faulted; the CUDA context is unusable until the JVM restarts, and every "
              + "later CUDA call fails with this error. The call that reports it is not the "
              + "kernel that faulted (launches are asynchronous): rerun with "
              + "CUDA_LAUNCH_BLOCKING=1 in the environment to have the faulting launch fail "
              + "itself. This is a bug in jgrad's CUDA backend (every geometry is checked on the "
              + "host) or in a plugin's kernel: please report it";
      case CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES ->
          ". The kernel needs more registers or shared memory for this block size than the GPU "
              + "has: launch it with fewer threads a block, or bound its registers with "
              + "__launch_bounds__";
      case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
          ". The driver is older than the PTX ISA 8.0 of jgrad's kernels: update the NVIDIA "
              + "driver to one for CUDA 12.0 or newer";
      default -> "";
    };
  }
}
