package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import org.junit.jupiter.api.Test;

/**
 * Tensors with an axis of size 0 through views, ops and their gradients: each gives an empty
 * result (or, where the op reduces over nothing, a clear refusal naming the op the caller
 * called), never an internal error. Found by the op fuzzer (opfuzz.OpFuzzTest).
 */
class EmptyTensorTest {

  @Test
  void aSliceOfAnEmptyTensorAlongAnotherAxisIsAnEmptyView() {
    // the view starts at element 1 of a buffer of none: it reads nothing, so that is no error
    Tensor x = Tensor.zeros(0, 3).requiresGrad(true);
    Tensor s = x.slice(1, 1, 1);
    assertEquals(Shape.of(0, 1), s.shape());
    assertEquals(0, s.toFloatArray().length);
    assertEquals(Shape.of(0, 1), x.slice(1, 2, 3, 2).shape());
    assertEquals(Shape.of(1, 0), x.transpose().slice(0, 2, 1).shape());
    s.backward(Tensor.zeros(0, 1));
    assertEquals(Shape.of(0, 3), x.grad().shape());
  }

  @Test
  void anExpandedEmptyTensorGetsAZeroGradient() {
    Tensor b = Tensor.ones(1, 3).requiresGrad(true);
    b.expand(0, 3).backward(Tensor.zeros(0, 3));
    assertArrayEquals(new float[3], b.grad().toFloatArray());
  }

  @Test
  void aBiasBroadcastOverNoRowsGetsAZeroGradient() {
    Tensor x = Tensor.zeros(0, 3).requiresGrad(true);
    Tensor bias = Tensor.ones(3).requiresGrad(true);
    x.add(bias).mul(bias).backward(Tensor.zeros(0, 3));
    assertArrayEquals(new float[3], bias.grad().toFloatArray());
    assertEquals(Shape.of(0, 3), x.grad().shape());
  }

  @Test
  void softmaxAlongAnEmptyAxisIsEmpty() {
    Tensor x = Tensor.zeros(2, 0).requiresGrad(true);
    Tensor y = x.softmax(1);
    assertEquals(Shape.of(2, 0), y.shape());
    y.backward(Tensor.zeros(2, 0));
    assertEquals(Shape.of(2, 0), x.grad().shape());
    assertEquals(Shape.of(0, 4), Tensor.zeros(0, 4).softmax(-1).shape());
  }

  @Test
  void aLossOfEmptyTensorsIsRefusedNamingTheLoss() {
    Tensor y = Tensor.zeros(0, 3);
    for (String op : new String[] {"jgrad::mse", "jgrad::sse", "jgrad::cross_entropy",
        "jgrad::softmax_cross_entropy", "jgrad::bce", "jgrad::bce_with_logits"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
          Ops.call(op, y, y));
      assertTrue(e.getMessage().startsWith(op + ": ") && e.getMessage().contains("[0, 3]"),
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        Losses.softmaxCrossEntropyLabels(y, Tensor.indices(new int[0])));
    assertTrue(e.getMessage().startsWith("jgrad::softmax_cross_entropy_labels: ")
        && e.getMessage().contains("[0, 3]"), e.getMessage());
  }
}
