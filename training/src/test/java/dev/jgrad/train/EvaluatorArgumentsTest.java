package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import org.junit.jupiter.api.Test;

/** Accuracy and evaluation refuse what they cannot score, saying what was passed. */
class EvaluatorArgumentsTest {
  @Test
  void oneHotRowsMustBeAsWideAsTheScores() {
    Tensor scores = Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3);
    Tensor rows = Tensor.of(new float[] {1, 0, 0, 0, 0, 0, 1, 0, 0, 0}, 2, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.countCorrect(scores, rows));
    assertEquals("accuracy needs one-hot rows as wide as the scores: output [2, 3], targets "
        + "[2, 5]", e.getMessage());
    assertEquals(1, Evaluator.countCorrect(scores, Tensor.of(new float[] {1, 0, 0, 0, 0, 1}, 2,
        3)));
  }

  @Test
  void aLossThatIsNotOneValueIsNamedAsTheLoss() {
    Sequential model = Mlp.builder().input(2).hidden(4).output(3).seed(1).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(model, Blobs.make(6, 1), (o, t) -> o.sum(1, false), 2));
    assertEquals("the loss function returned shape [2]; a loss must be one value (reduce it, "
        + "e.g. with mean())", e.getMessage());
  }
}
