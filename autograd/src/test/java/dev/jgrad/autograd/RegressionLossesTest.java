package dev.jgrad.autograd;

import static dev.jgrad.autograd.CrossEntropyOptionsTest.assertTorch;
import static dev.jgrad.autograd.CrossEntropyOptionsTest.grid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/**
 * The regression losses and the reductions of MSE and BCE against torch 2.13's float64 values and
 * gradients (src/test/resources/pytorch/losses.py), the kinks included: the inputs' differences
 * are 0, 0.5, -2, 1, 2.5 and -1, so beta = delta = 1 puts two on the kink and one at 0.
 */
class RegressionLossesTest {
  private static final Tensor P = vector(0.0, 0.5, -2.0, 1.0, 3.0, -0.25);
  private static final Tensor T = vector(0.0, 0.0, 0.0, 0.0, 0.5, 0.75);

  private static Tensor vector(double... v) {
    return Tensor.of(v, DType.FLOAT64, v.length);
  }

  @Test
  void l1SmoothL1HuberAndMseMatchPyTorchAtTheKinksToo() {
    for (Reduction r : Reduction.values()) {
      String n = "_" + r.torchName();
      assertTorch("l1" + n, p -> Losses.l1Loss(p, T, r), P);
      assertTorch("smoothl1" + n, p -> Losses.smoothL1Loss(p, T, 1.0, r), P);
      assertTorch("huber" + n, p -> Losses.huberLoss(p, T, 1.0, r), P);
      assertTorch("mse" + n, p -> Losses.meanSquaredError(p, T, r), P);
    }
    assertTorch("smoothl1_b05_mean", p -> Losses.smoothL1Loss(p, T, 0.5), P);
    assertTorch("smoothl1_b0_mean", p -> Losses.smoothL1Loss(p, T, 0.0), P);
    assertTorch("huber_d2_mean", p -> Losses.huberLoss(p, T, 2.5), P);
  }

  @Test
  void bceWithLogitsTakesReductionsAndPosWeightAsPyTorch() {
    Tensor logits = grid(7, 2, 3);
    Tensor t = vector(0.0, 1.0, 1.0, 0.0, 0.5, 1.0).reshape(2, 3);
    Tensor pw = vector(2.0, 0.5, 3.0);
    for (Reduction r : Reduction.values()) {
      if (r != Reduction.MEAN) {
        assertTorch("bcel_" + r.torchName(), x -> Losses.binaryCrossEntropyWithLogits(x, t, r),
            logits);
      }
      assertTorch("bcelpw_" + r.torchName(), x -> Losses.binaryCrossEntropyWithLogits(x, t, pw,
          r), logits);
    }
  }

  @Test
  void bceSumAndNoneAreTheMeansTermsWithinItsDelta() {
    Tensor p = vector(0.1, 0.5, 0.9, 0.3, 0.7, 0.05);
    Tensor t = vector(0.0, 1.0, 1.0, 0.0, 0.5, 1.0);
    TorchValues torch = TorchValues.read("/pytorch/losses.txt");
    assertArrayEquals(torch.get("bce_none", "value"),
        Losses.binaryCrossEntropy(p, t, Reduction.NONE).toDoubleArray(), 1e-5);
    assertEquals(torch.get("bce_sum", "value")[0],
        Losses.binaryCrossEntropy(p, t, Reduction.SUM).item(), 1e-5);
    assertEquals(Losses.binaryCrossEntropy(p, t).item() * 6,
        Losses.binaryCrossEntropy(p, t, Reduction.SUM).item(), 1e-12);
  }

  @Test
  void theMeansAreTheSingleOpsTheyWere() {
    Tensor y = Tensor.randn(new java.util.Random(2), 32, 4);
    Tensor t = Tensor.randn(new java.util.Random(3), 32, 4);
    assertEquals(Losses.meanSquaredError(y, t).item(),
        Losses.meanSquaredError(y, t, Reduction.MEAN).item(), 0);
    assertEquals(Losses.binaryCrossEntropyWithLogits(y, t.sigmoid()).item(),
        Losses.binaryCrossEntropyWithLogits(y, t.sigmoid(), Reduction.MEAN).item(), 0);
  }

  @Test
  void badInputIsOneLineNamingIt() {
    String shape = assertThrows(IllegalArgumentException.class,
        () -> Losses.huberLoss(P.reshape(6, 1), T, 1.0)).getMessage();
    assertEquals("huberLoss: prediction [6, 1] and target [6] must have the same shape (reshape "
        + "the target: target.reshape(prediction.shape().dims()))", shape);
    String delta = assertThrows(IllegalArgumentException.class,
        () -> Losses.huberLoss(P, T, 0)).getMessage();
    assertTrue(delta.startsWith("huberLoss: delta is 0.0"), delta);
    assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1Loss(P, T, -1));
    assertThrows(NullPointerException.class, () -> Losses.l1Loss(P, T, null));
  }
}
