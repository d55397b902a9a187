package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The module's fused kernels are registered under the ops' names (their arguments are checked by
 * FusedKernelsTest; the kernels themselves by KernelEmulationTest and, on a GPU,
 * CudaBackendBehaviourTest and BackendParityTest).
 */
class CudaBiasActivationKernelsTest {
  /** With autograd and the CPU backend on the class path too, as in an application. */
  @Test
  void theServiceFileRegistersTheFusedKernelsUnderTheOpsNames() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    assertEquals(List.of(), r.failures());
    for (String op : List.of(OpNames.BIAS_ACTIVATION, OpNames.SOFTMAX_CROSS_ENTROPY_LABELS,
        OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, OpNames.RELU_GRAD)) {
      assertEquals(List.of(OpRegistry.ANY_BACKEND, "cpu", CudaBackend.NAME),
          r.backendsWithKernel(op), "portable, CPU and CUDA kernels of " + op);
    }
  }
}
