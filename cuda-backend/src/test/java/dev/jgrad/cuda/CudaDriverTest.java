package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/**
 * What a failed driver call says, without a GPU: the call, the driver's name for the error, and
 * for the errors that end the context (a kernel's fault, reported by whatever call comes next)
 * that it is lost and how to find the kernel.
 */
class CudaDriverTest {
  @Test
  void successIsSilent() {
    assertDoesNotThrow(() -> CudaDriver.check(CUresult.CUDA_SUCCESS, "cuInit"));
  }

  @Test
  void aFailureNamesTheCallAndTheError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CudaDriver.check(CUresult.CUDA_ERROR_INVALID_VALUE, "cuMemAlloc(512 bytes)"));
    assertEquals("cuda backend: cuMemAlloc(512 bytes) failed: CUDA_ERROR_INVALID_VALUE (1)",
        e.getMessage());
  }

  /** Every error that leaves the context unusable says so, and how to find the faulting kernel. */
  @Test
  void everyStickyErrorSaysTheContextIsLostAndHowToFindTheKernel() {
    for (int sticky : new int[] {CUresult.CUDA_ERROR_ILLEGAL_ADDRESS,
        CUresult.CUDA_ERROR_LAUNCH_FAILED, CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
        CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION, CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE,
        CUresult.CUDA_ERROR_INVALID_PC, CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR,
        CUresult.CUDA_ERROR_ASSERT}) {
      String m = assertThrows(IllegalStateException.class,
          () -> CudaDriver.check(sticky, "synchronize (waiting for queued GPU work)"))
          .getMessage();
      assertTrue(m.startsWith("cuda backend: synchronize (waiting for queued GPU work) failed: "
          + CudaDriver.name(sticky) + ". A kernel faulted; the CUDA context is unusable"), m);
      assertTrue(m.contains("CUDA_LAUNCH_BLOCKING=1"), m);
    }
  }

  @Test
  void aBlockTooLargeForTheKernelSaysWhy() {
    String m = assertThrows(IllegalStateException.class, () -> CudaDriver.check(
        CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "launching plugin kernel k (grid 1, block "
            + "1024)")).getMessage();
    assertTrue(m.contains("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (701). The kernel needs more "
        + "registers or shared memory for this block size"), m);
  }
}
