package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Sequential;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Evaluator#predict} and {@link ConfusionMatrix} (the book's 8.1 inspection). */
class ConfusionMatrixTest {
  @Test
  void countsPrecisionRecallAndTheMisclassified() {
    int[] actual = {0, 0, 0, 1, 1, 2, 2, 2};
    int[] predicted = {0, 1, 0, 1, 1, 2, 0, 1};
    ConfusionMatrix m = ConfusionMatrix.of(actual, predicted, 3);
    assertEquals(2, m.count(0, 0));
    assertEquals(1, m.count(2, 1));
    assertEquals(8, m.total());
    assertEquals(5.0 / 8, m.accuracy(), 0);
    assertEquals(2.0 / 3, m.precision(0), 0, "0 predicted 3 times, right twice");
    assertEquals(2.0 / 3, m.recall(0), 0);
    assertEquals(2.0 / 4, m.precision(1), 0);
    assertEquals(1.0 / 3, m.recall(2), 0);
    assertArrayEquals(new int[] {1, 6, 7}, m.misclassified());
    assertTrue(Double.isNaN(ConfusionMatrix.of(new int[] {0}, new int[] {0}, 2).precision(1)));
    assertTrue(m.toString().startsWith("actual\\predicted 0 1 2   precision  recall\n"
        + "               0 2 1 0      0.6667  0.6667\n"), m.toString());
  }

  @Test
  void badInputIsNamed() {
    assertEquals("predicted class 3 of sample 1 is outside [0, 3); labels and classes are "
        + "indices below the number of classes", assertThrows(IllegalArgumentException.class,
            () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 3}, 3)).getMessage());
    assertEquals("2 actual labels but 1 predicted classes; pass one of each per sample, in the "
        + "same order", assertThrows(IllegalArgumentException.class,
            () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {0}, 3)).getMessage());
  }

  @Test
  void predictIsTheArgmaxOfEachRowInOrderAcrossBatches() {
    Dataset data = Blobs.make(50, 3);
    Sequential model = new Sequential(new Linear(2, 3, new java.util.Random(4)));
    int[] predicted = Evaluator.predict(model, data, 7); // 8 batches, the last of 1
    int[] want = model.forward(data.inputs()).argmax(1).toIntArray();
    assertArrayEquals(want, predicted);
    ConfusionMatrix m = ConfusionMatrix.of(data.targets().toIntArray(), predicted, 3);
    assertEquals(Evaluator.evaluate(model, data, Losses::softmaxCrossEntropyLabels, 50)
        .accuracy(), m.accuracy(), 1e-12, "the evaluator's accuracy");
  }
}
