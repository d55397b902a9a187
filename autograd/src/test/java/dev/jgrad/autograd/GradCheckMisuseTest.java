package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GradCheck used the way a reader of the book first tries it: on a FLOAT32 model, on a module's
 * own weights, and the check of a network's parameters it offers instead.
 */
class GradCheckMisuseTest {

  @Test
  void aFunctionThatIgnoresAnInputFailsInsteadOfPassingOnZeros() {
    Tensor w = Tensor.of(new double[] {0.5, -1}, DType.FLOAT64, 2).requiresGrad(true);
    Tensor x = Tensor.of(new double[] {1, 2}, DType.FLOAT64, 2);
    // the user's mistake: checking a weight the function closes over, not the copy it is given
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradCheck.gradCheck(in -> w.mul(x).tanh().sum(), List.of(w)));
    assertEquals("gradCheck: f does not compute from input 0 (FLOAT64[2]); gradCheck "
        + "differentiates FLOAT64 copies of the inputs it is given, so f must use the list it "
        + "receives (a module's own parameters: gradCheckParameters)", e.getMessage());
  }

  @Test
  void aFloat32ModelSaysThatGradCheckConvertedTheInputs() {
    Tensor w = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2);
    Tensor x = Tensor.of(new float[] {1f, 2f}, 1, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradCheck.gradCheck(in -> in.get(0).matmul(w).sum(), List.of(x)));
    assertTrue(e.getMessage().startsWith("gradCheck: f failed on the FLOAT64 copies of its "
        + "inputs (gradCheck converts them); build the layers and constants f uses in FLOAT64: "
        + "jgrad::matmul"), e.getMessage());
  }

  @Test
  void theParametersOfANetworkAreCheckedInPlaceAndPutBack() {
    Tensor x = Tensor.of(new double[] {0.3, -0.2, 0.7, 0.1, 0.5, -0.4}, DType.FLOAT64, 2, 3);
    Tensor w1 = Tensor.of(new double[] {0.2, -0.1, 0.4, 0.3, -0.5, 0.6}, DType.FLOAT64, 3, 2)
        .requiresGrad(true);
    Tensor b1 = Tensor.of(new double[] {0.05, -0.02}, DType.FLOAT64, 2).requiresGrad(true);
    Tensor labels = Tensor.indices(new int[] {1, 0});
    double[] before = w1.toDoubleArray();
    GradCheck.Result r = GradCheck.gradCheckParameters(
        () -> Losses.softmaxCrossEntropyLabels(x.matmul(w1).add(b1).tanh(), labels),
        List.of(w1, b1));
    assertTrue(r.passed(), r.toString());
    assertTrue(r.input() >= 0 && r.worstRelativeError() < 1e-6, "elements were compared: " + r);
    assertArrayEqualsExactly(before, w1.toDoubleArray());
    assertEquals(null, w1.grad(), "gradients are cleared afterwards");
  }

  @Test
  void aWrongGradientFailsTheParameterCheck() {
    Tensor w = Tensor.of(new double[] {0.5, -1.5}, DType.FLOAT64, 2).requiresGrad(true);
    // the detached square is part of the loss but not of its gradient: 2w is missing
    GradCheck.Result r = GradCheck.gradCheckParameters(
        () -> w.sin().sum().add(w.detach().pow(2).sum()), List.of(w));
    assertFalse(r.passed(), r.toString());
    assertEquals(0, r.input());
  }

  @Test
  void aFloat32ParameterIsRefusedNamingTheFix() {
    Tensor w = Tensor.of(new float[] {0.5f}, 1).requiresGrad(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradCheck.gradCheckParameters(() -> w.sum(), List.of(w)));
    assertEquals("gradCheckParameters: parameter 0 is a leaf FLOAT32[1]; it must be a FLOAT64 "
        + "leaf that requires grad (build the layers with DType.FLOAT64)", e.getMessage());
  }

  private static void assertArrayEqualsExactly(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
          "element " + i + " put back bit for bit");
    }
  }
}
