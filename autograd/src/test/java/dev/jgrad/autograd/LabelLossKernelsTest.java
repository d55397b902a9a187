package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.ops.LabelLossOps;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CPU's fused softmax cross-entropy with labels against the portable composition. */
class LabelLossKernelsTest {
  @ParameterizedTest
  @EnumSource(DType.class)
  void fusedCpuKernelsAgreeWithThePortableOps(DType dtype) {
    for (String op : new String[] {LabelLossOps.SOFTMAX_CROSS_ENTROPY_LABELS,
        LabelLossOps.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD}) {
      assertEquals(java.util.List.of("*", "cpu", "cuda"),
          OpRegistry.global().backendsWithKernel(op), "portable, CPU and CUDA kernels of " + op);
    }
    Backend portable = TestBackends.renamedCpu("portable");
    Random r = new Random(3);
    Tensor logits = Tensor.randn(r, dtype, 6, 5).mul(4);
    Tensor labels = Tensor.indices(new int[] {0, 4, 2, 2, 1, 3}, dtype);
    double[][] results = new double[2][];
    double[] losses = new double[2];
    Backend[] backends = {Backends.byName("cpu"), portable};
    for (int i = 0; i < 2; i++) {
      Tensor x = logits.to(backends[i]).detach().requiresGrad(true);
      Tensor loss = Losses.softmaxCrossEntropyLabels(x, labels.to(backends[i]));
      loss.mul(0.7).backward();
      losses[i] = loss.item();
      results[i] = x.grad().toDoubleArray();
    }
    double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
    assertEquals(losses[1], losses[0], tol * 10);
    assertArrayEquals(results[1], results[0], tol);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void aLabelOutOfRangeIsNamed(DType dtype) {
    Tensor logits = Tensor.zeros(dtype, 2, 3);
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> Losses.softmaxCrossEntropyLabels(logits, Tensor.indices(new int[] {1, 3}, dtype)));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
  }
}
