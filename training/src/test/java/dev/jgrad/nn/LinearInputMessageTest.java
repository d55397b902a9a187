package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Linear's wrong-shape messages for tabular data (a user trial): one row given as 1-D, and a
 * first layer given a table that still holds its label column. The old words told the first to
 * flatten images and the second about a layer before that did not exist.
 */
class LinearInputMessageTest {
  private final Linear first = new Linear(8, 16, new Random(1));

  @Test
  void oneSampleAsA1dRowIsToldToReshapeItToOneRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> first.forward(Tensor.zeros(DType.FLOAT32, 8)));
    assertEquals("Linear(8 -> 16) needs input [batch, 8], got [8]; a single sample? give it as "
        + "one row: x.reshape(1, 8)", e.getMessage());
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> first.forward(Tensor.zeros(DType.FLOAT32, 9)));
    assertEquals("Linear(8 -> 16) needs input [batch, 8], got [9]; a single sample? give it as "
        + "one row: x.reshape(1, 9), with 8 values", wide.getMessage());
  }

  @Test
  void aTableWithAnExtraColumnNamesTheLabelAndTheLayerSizeBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> first.forward(Tensor.zeros(DType.FLOAT32, 5000, 9)));
    assertEquals("Linear(8 -> 16) needs input [batch, 8], got [5000, 9]; the input (or the "
        + "layer before) has 9 features: either the data has an extra column (a label left in "
        + "the features?) or this layer should be Linear(9, 16)", e.getMessage());
  }

  @Test
  void theRightShapeStillPasses() {
    assertEquals(16, first.forward(Tensor.zeros(DType.FLOAT32, 1, 8)).shape().dim(1));
  }
}
