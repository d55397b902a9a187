package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code Losses.nllLoss}, PyTorch's {@code F.nll_loss} on a log-softmax: values and gradients
 * against PyTorch 2.13 (CPU, float64), central differences, and bad input.
 */
class NllLossTest {
  private static final double[] X = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 0.0, 1.0, 0.3, 0.3,
      0.3};
  private static final int[] LABELS = {2, 0, 1, 1};

  private static Tensor x() {
    return Tensor.of(X, DType.FLOAT64, 4, 3).requiresGrad(true);
  }

  @Test
  void meanOfALogSoftmaxMatchesPyTorch() {
    Tensor x = x();
    Tensor loss = Losses.nllLoss(x.logSoftmax(1), Tensor.indices(LABELS));
    loss.backward();
    // torch: F.nll_loss(F.log_softmax(x, dim=1), t), then .backward()
    assertEquals(0.7549021028751695, loss.item(), 1e-12);
    assertArrayEquals(new double[] {0.04382259803500917, 0.009778143317671862,
        -0.05360074135268103, -0.07038991471223377, 0.05145915099941289, 0.01893076371282088,
        0.008779756739834929, -0.18512588491439524, 0.17634612817456027, 0.08333333333333333,
        -0.16666666666666669, 0.08333333333333333}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void sumMatchesPyTorchsReductionSum() {
    Tensor x = x();
    Tensor loss = Losses.nllLossSum(x.logSoftmax(1), Tensor.indices(LABELS));
    loss.backward();
    // torch: F.nll_loss(F.log_softmax(x, 1), t, reduction='sum')
    assertEquals(3.019608411500678, loss.item(), 1e-12);
    assertArrayEquals(new double[] {0.1752903921400367, 0.03911257327068745,
        -0.21440296541072412, -0.2815596588489351, 0.20583660399765155, 0.07572305485128351,
        0.035119026959339716, -0.740503539657581, 0.7053845126982411, 0.3333333333333333,
        -0.6666666666666667, 0.3333333333333333}, x.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void gradientOnTheLogProbabilitiesIsMinusOneHotOverTheBatch() {
    Tensor logp = Tensor.of(X, DType.FLOAT64, 4, 3).requiresGrad(true);
    Losses.nllLoss(logp, Tensor.indices(LABELS)).backward();
    assertArrayEquals(new double[] {0, 0, -0.25, -0.25, 0, 0, 0, -0.25, 0, 0, -0.25, 0},
        logp.grad().toDoubleArray(), 0);
  }

  @Test
  void equalsTheFusedSoftmaxCrossEntropyInFloat32() {
    Tensor x = Tensor.randn(new Random(4), 16, 10);
    Tensor labels = Tensor.indices(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5});
    assertEquals(Losses.softmaxCrossEntropyLabels(x, labels).item(),
        Losses.nllLoss(x.logSoftmax(1), labels).item(), 1e-6);
  }

  @Test
  void autogradAgreesWithCentralDifferences() {
    Tensor labels = Tensor.indices(LABELS);
    for (String reduction : List.of("mean", "sum")) {
      GradCheck.Result r = GradCheck.gradCheck(in -> Ops.call(OpNames.NLL_LOSS,
          Attrs.of(AttrKeys.REDUCTION, reduction), in.get(0).logSoftmax(1), labels),
          List.of(Tensor.of(X, DType.FLOAT64, 4, 3)));
      assertTrue(r.passed(), reduction + ": " + r);
    }
  }

  @Test
  void recordsNothingWithoutGrad() {
    try (NoGrad ignored = NoGrad.scope()) {
      assertFalse(Losses.nllLoss(x().logSoftmax(1), Tensor.indices(LABELS)).requiresGrad());
    }
  }

  @Test
  void badInputIsNamedInOneLine() {
    Tensor logp = x().logSoftmax(1);
    IllegalArgumentException floatLabels = assertThrows(IllegalArgumentException.class,
        () -> Losses.nllLoss(logp, Tensor.of(new double[] {2, 0, 1, 1}, DType.FLOAT64, 4)));
    assertTrue(floatLabels.getMessage().startsWith("nllLoss: labels are")
        && floatLabels.getMessage().contains("must be INT32"), floatLabels.getMessage());
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> Losses.nllLoss(logp, Tensor.indices(new int[] {1, 2})));
    assertTrue(shape.getMessage().contains("jgrad::nll_loss: needs log-probabilities [batch, "
        + "classes] and labels [batch], got [4, 3] and [2]"), shape.getMessage());
    IllegalArgumentException reduction = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(OpNames.NLL_LOSS, Attrs.of(AttrKeys.REDUCTION, "none"), logp,
            Tensor.indices(LABELS)));
    assertTrue(reduction.getMessage().contains("reduction 'none' is not one of mean, sum"),
        reduction.getMessage());
    IndexOutOfBoundsException outOfRange = assertThrows(IndexOutOfBoundsException.class,
        () -> Losses.nllLoss(logp, Tensor.indices(new int[] {2, 0, 3, 1})).item());
    assertEquals("jgrad::nll_loss: label 3 at position 2 is out of bounds for 3 classes; labels "
        + "are class indices in [0, 3)", outOfRange.getMessage());
  }
}
