package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A label outside [0, classes) fails naming the loss the caller called, the label, its position
 * and the valid range (PyTorch: "Target 3 is out of bounds"), not the one-hot op a composed loss
 * builds from the labels; on the CPU's fused kernel and on the portable kernels alike.
 */
class LabelOutOfRangeTest {
  private static String message(Executable call) {
    String m = assertThrows(IndexOutOfBoundsException.class, call).getMessage();
    assertTrue(!m.contains("one_hot") && !m.contains("oneHot") && !m.contains("\n"), m);
    return m;
  }

  private static void assertNamesTheLoss(Function<Tensor, Tensor> logits) {
    Tensor x = logits.apply(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    Tensor three = Tensor.indices(new int[] {0, 3}).to(x.backend());
    Tensor minusOne = Tensor.indices(new int[] {-1, 0}).to(x.backend());
    assertEquals("jgrad::nll_loss: label 3 at position 1 is out of bounds for 3 classes; labels "
        + "are class indices in [0, 3)",
        message(() -> Losses.nllLoss(x.logSoftmax(1), three).item()));
    assertEquals("jgrad::nll_loss: label -1 at position 0 is out of bounds for 3 classes; labels "
        + "are class indices in [0, 3)",
        message(() -> Losses.nllLossSum(x.logSoftmax(1), minusOne).item()));
    assertEquals("jgrad::softmax_cross_entropy_labels: label 3 at position 1 is out of bounds for "
        + "3 classes; labels are class indices in [0, 3)",
        message(() -> Losses.softmaxCrossEntropyLabels(x.requiresGrad(true), three).backward()));
    assertEquals("jgrad::softmax_cross_entropy_labels: label 5 at position 0 is out of bounds for "
        + "3 classes; labels are class indices in [0, 3)",
        message(() -> Losses.softmaxCrossEntropyLabels(x.slice(0, 0, 1).reshape(3),
            Tensor.indices(new int[] {5}).to(x.backend())).item()));
    assertEquals("crossEntropyErrorLabels: label 3 at position 1 is out of bounds for 3 classes; "
        + "labels are class indices in [0, 3)",
        message(() -> Losses.crossEntropyErrorLabels(x.softmax(1), three).item()));
    // a data set ported from PyTorch pads with its default ignore_index
    Tensor padded = Tensor.indices(new int[] {1, -100}).to(x.backend());
    assertEquals("jgrad::softmax_cross_entropy_labels: label -100 at position 1 is out of bounds "
        + "for 3 classes; labels are class indices in [0, 3) (-100 is PyTorch's default "
        + "ignore_index: Losses.crossEntropy with CrossEntropyOptions.defaults().ignoreIndex(-100) "
        + "skips those samples)", message(() -> Losses.crossEntropy(x, padded).item()));
  }

  @Test
  void onTheCpu() {
    assertNamesTheLoss(x -> x);
  }

  /** A backend without the CPU's fused loss kernels: the portable ones, through one_hot. */
  @Test
  void onThePortableKernels() {
    Backend portable = TestBackends.renamedCpu("portable-labels");
    assertNamesTheLoss(x -> x.to(portable));
  }

  /** An index error that is not a label's is thrown as it was. */
  @Test
  void otherIndexErrorsAreLeftAlone() {
    IndexOutOfBoundsException e = new IndexOutOfBoundsException("oneHot on the cpu backend: "
        + "index 7 at position 0 is out of range for bound 9: valid indices are [0, 9)");
    assertEquals(e, assertThrows(IndexOutOfBoundsException.class,
        () -> LabelBounds.checked("jgrad::nll_loss", 3, () -> {
          throw e;
        })));
    assertEquals(Backends.current().name(), "cpu");
  }
}
