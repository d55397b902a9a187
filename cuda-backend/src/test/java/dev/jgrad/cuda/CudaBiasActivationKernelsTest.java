package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attribute of {@code jgrad::bias_activation} reaches the fused kernel as the right code
 * (the kernel itself is checked by KernelEmulationTest and, on a GPU, CudaBackendBehaviourTest
 * and BackendParityTest), and the module's fused kernels are registered under the ops' names.
 */
class CudaBiasActivationKernelsTest {
  @Test
  void eachFusedActivationMapsToItsKernelCode() {
    assertNull(unaryOp("identity"), "identity adds the bias only");
    assertEquals(UnaryOp.RELU, unaryOp("relu"));
    assertEquals(UnaryOp.SIGMOID, unaryOp("sigmoid"));
    assertEquals(UnaryOp.TANH, unaryOp("tanh"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> unaryOp("exp"));
    assertTrue(e.getMessage().contains("jgrad::bias_activation")
        && e.getMessage().contains("'exp'"), e.getMessage());
  }

  /** With autograd and the CPU backend on the class path too, as in an application. */
  @Test
  void theServiceFileRegistersTheFusedKernelsUnderTheOpsNames() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    assertEquals(List.of(), r.failures());
    for (String op : List.of(OpNames.BIAS_ACTIVATION, OpNames.SOFTMAX_CROSS_ENTROPY_LABELS,
        OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD)) {
      assertEquals(List.of(OpRegistry.ANY_BACKEND, "cpu", CudaBackend.NAME),
          r.backendsWithKernel(op), "portable, CPU and CUDA kernels of " + op);
    }
  }

  private static UnaryOp unaryOp(String activation) {
    return CudaBiasActivationKernels.unaryOp(Attrs.of(AttrKeys.ACTIVATION, activation));
  }
}
