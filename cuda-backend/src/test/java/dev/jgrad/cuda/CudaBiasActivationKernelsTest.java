package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * The attribute of {@code jgrad::bias_activation} reaches the fused kernel as the right code
 * (the kernel itself is checked by KernelEmulationTest and, on a GPU, CudaBackendBehaviourTest
 * and the autograd backend-parity suite).
 */
class CudaBiasActivationKernelsTest {
  @Test
  void eachFusedActivationMapsToItsKernelCode() {
    assertNull(CudaBiasActivationKernels.unaryOp("identity"), "identity adds the bias only");
    assertEquals(UnaryOp.RELU, CudaBiasActivationKernels.unaryOp("relu"));
    assertEquals(UnaryOp.SIGMOID, CudaBiasActivationKernels.unaryOp("sigmoid"));
    assertEquals(UnaryOp.TANH, CudaBiasActivationKernels.unaryOp("tanh"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CudaBiasActivationKernels.unaryOp("exp"));
    assertTrue(e.getMessage().contains("jgrad::bias_activation")
        && e.getMessage().contains("'exp'"), e.getMessage());
  }
}
