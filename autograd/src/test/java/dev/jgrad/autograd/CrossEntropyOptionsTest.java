package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Losses#crossEntropy} with {@link CrossEntropyOptions} against torch 2.13's
 * {@code F.cross_entropy} in float64 (values and the gradient of their sum; the script that
 * printed them: src/test/resources/pytorch/losses.py), and its gradients against central
 * differences.
 */
class CrossEntropyOptionsTest {
  private static final TorchValues TORCH = TorchValues.read("/pytorch/losses.txt");
  private static final double[] W = {0.5, 2.0, 1.5};

  /** The script's grid: ((i a) mod m - m / 2) / 4, row-major. */
  static Tensor grid(int a, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (((i * a) % 11) - 11 / 2) / 4.0;
    }
    return Tensor.of(v, DType.FLOAT64, shape);
  }

  /** {@code loss}'s value and the gradient of its sum against torch's line {@code name}. */
  static void assertTorch(String name, Function<Tensor, Tensor> loss, Tensor input) {
    Tensor x = input.detach().requiresGrad(true);
    Tensor y = loss.apply(x);
    assertArrayEquals(TORCH.get(name, "value"), y.toDoubleArray(), 1e-12, name + " value");
    y.sum().backward();
    assertArrayEquals(TORCH.get(name, "grad"), x.grad().toDoubleArray(), 1e-12, name + " grad");
    GradCheck.Result r = GradCheck.gradCheck(in -> loss.apply(in.get(0)), List.of(input));
    assertTrue(r.passed(), name + ": " + r);
  }

  private static Tensor labels(int... l) {
    return Tensor.indices(l);
  }

  @Test
  void weightsIgnoredLabelsSmoothingAndReductionsMatchPyTorch() {
    Tensor x = grid(7, 5, 3);
    for (Reduction r : Reduction.values()) {
      CrossEntropyOptions o = CrossEntropyOptions.defaults().reduction(r);
      assertTorch("ce_w_" + r.torchName(), in -> Losses.crossEntropy(in,
          labels(2, 0, 1, 1, 2), o.weight(W)), x);
      assertTorch("ce_ign_" + r.torchName(), in -> Losses.crossEntropy(in,
          labels(2, -100, 1, -100, 2), o.ignoreIndex(-100)), x);
      assertTorch("ce_all_" + r.torchName(), in -> Losses.crossEntropy(in,
          labels(2, 1, 1, 0, 2), o.weight(W).ignoreIndex(1).labelSmoothing(0.2)), x);
    }
    assertTorch("ce_smooth_mean", in -> Losses.crossEntropy(in, labels(2, 0, 1, 1, 2),
        CrossEntropyOptions.defaults().labelSmoothing(0.1)), x);
  }

  @Test
  void theClassAxisIsOneForSegmentationLogits() {
    Tensor x = grid(5, 2, 3, 2, 2);
    Tensor y = Tensor.indices(new int[] {0, 2, 1, 1, 2, 0, 0, 1}).reshape(2, 2, 2);
    assertTorch("ce_seg_mean", in -> Losses.crossEntropy(in, y,
        CrossEntropyOptions.defaults().weight(W)), x);
    assertTorch("ce_seg_none", in -> Losses.crossEntropy(in, y,
        CrossEntropyOptions.defaults().reduction(Reduction.NONE)), x);
    assertArrayEquals(new int[] {2, 2, 2}, Losses.crossEntropy(x, y,
        CrossEntropyOptions.defaults().reduction(Reduction.NONE)).shape().dims());
  }

  @Test
  void everyLabelIgnoredIsNaNForTheMeanWithAZeroGradientAsInPyTorch() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
    CrossEntropyOptions o = CrossEntropyOptions.defaults().ignoreIndex(-100);
    Tensor mean = Losses.crossEntropy(x, labels(-100, -100), o);
    assertTrue(Double.isNaN(mean.item()), "torch: tensor(nan)");
    mean.backward();
    assertArrayEquals(new double[6], x.grad().toDoubleArray(), 0);
    assertEquals(0.0, Losses.crossEntropy(x, labels(-100, -100), o.reduction(Reduction.SUM))
        .item(), 0);
  }

  @Test
  void theDefaultsAreTheFusedOpBitForBit() {
    Tensor x = Tensor.randn(new Random(3), 64, 10);
    int[] l = new int[64];
    for (int i = 0; i < l.length; i++) {
      l[i] = (i * 7) % 10;
    }
    Tensor labels = Tensor.indices(l);
    assertEquals(Losses.softmaxCrossEntropyLabels(x, labels).item(),
        Losses.crossEntropy(x, labels).item(), 0);
    // and the composed path agrees with it to float rounding
    assertEquals(Losses.softmaxCrossEntropyLabels(x, labels).item(), Losses.crossEntropy(x,
        labels, CrossEntropyOptions.defaults().weight(new double[10]).weight(1, 1, 1, 1, 1, 1, 1,
            1, 1, 1)).item(), 1e-6);
  }

  @Test
  void oneSampleOfLogitsTakesAScalarLabel() {
    Tensor x = grid(7, 5, 3);
    Tensor row = x.slice(0, 2, 1).reshape(3);
    Tensor all = Losses.crossEntropy(x, labels(2, 0, 1, 1, 2),
        CrossEntropyOptions.defaults().reduction(Reduction.NONE));
    assertEquals(all.toDoubleArray()[2], Losses.crossEntropy(row,
        Tensor.indices(new int[] {1}).reshape(), CrossEntropyOptions.defaults().labelSmoothing(0))
        .item(), 1e-15);
  }

  @Test
  void badInputIsOneLineNamingIt() {
    Tensor x = grid(7, 5, 3);
    CrossEntropyOptions d = CrossEntropyOptions.defaults();
    String shape = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(
        grid(5, 2, 3, 2, 2), labels(0, 1), d.labelSmoothing(0.1))).getMessage();
    assertTrue(shape.startsWith("crossEntropy: logits [2, 3, 2, 2] need labels of shape "
        + "[2, 2, 2]"), shape);
    String weights = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x,
        labels(2, 0, 1, 1, 2), d.weight(1, 2))).getMessage();
    assertEquals("crossEntropy: 2 class weights for logits of 3 classes; give one weight a class",
        weights);
    IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class,
        () -> Losses.crossEntropy(x, labels(2, 0, 3, 1, 2), d.ignoreIndex(-100)));
    assertTrue(range.getMessage().startsWith("crossEntropy: label 3 at position 2 is out of "
        + "bounds for 3 classes"), range.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.labelSmoothing(1.5));
    assertThrows(IllegalArgumentException.class, () -> d.weight(1, -1));
    String floatLabels = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(
        x, Tensor.of(new double[] {2, 0, 1, 1, 2}, DType.FLOAT64, 5), d.labelSmoothing(0.1)))
        .getMessage();
    assertTrue(floatLabels.startsWith("crossEntropy: labels are"), floatLabels);
  }
}
