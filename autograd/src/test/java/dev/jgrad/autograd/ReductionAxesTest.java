package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The public reductions given no axes: refused on a tensor of rank 1 or more (they returned the
 * tensor unreduced, where PyTorch reduces every axis), allowed on a scalar (nothing to reduce),
 * while the engine's own computed axis lists may still be empty.
 */
class ReductionAxesTest {
  private static final Tensor X = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);

  private static void assertRefused(String name, String allAxes, Function<Tensor, Tensor> call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.apply(X));
    assertEquals(name + ": no axes given for shape [2, 3]; name the axes to reduce"
        + (allAxes == null ? " (all of them to reduce every element)"
            : ", or call " + allAxes + " to reduce them all"), e.getMessage());
  }

  @Test
  void everyPublicReductionRefusesAnEmptyAxisList() {
    assertRefused("sum", "sum()", x -> x.sum(true));
    assertRefused("sum", "sum()", x -> x.sum(false));
    assertRefused("mean", "mean()", x -> x.mean(true));
    assertRefused("max", "max()", x -> x.max(true));
    assertRefused("min", "min()", x -> x.min(false));
    assertRefused("var", null, x -> x.var(true, 0));
    assertRefused("std", null, x -> x.std(false, 1));
  }

  @Test
  void stdsErrorsNameStd() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> X.std(false, 2, 0));
    assertEquals("std: 2 element(s) along axes [0] of shape [2, 3] with correction 2 leave(s) 0"
        + " degrees of freedom; use a correction in [0, 2) (0 for the population variance)",
        e.getMessage());
  }

  @Test
  void aScalarHasNothingToReduceAndIsItsOwnReduction() {
    Tensor s = Tensor.scalar(2.5, DType.FLOAT32);
    for (Tensor r : new Tensor[] {s.sum(), s.sum(true), s.mean(false), s.max(true), s.min(true),
        s.max(), s.min(), s.mean()}) {
      assertEquals(0, r.rank());
      assertEquals(2.5, r.item());
    }
    assertEquals(0.0, s.var(false, 0).item());
  }

  @Test
  void theFullReductionsStillReduceEveryAxis() {
    assertEquals(21.0, X.sum().item());
    assertEquals(3.5, X.mean().item());
    assertEquals(6.0, X.max().item());
    assertEquals(1.0, X.min().item());
  }

  /** The engine's path: an empty computed list reduces nothing, value and gradient alike. */
  @Test
  void theOpsThemselvesStillTakeAnEmptyAxisListAsNothingToReduce() {
    Tensor x = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3).requiresGrad(true);
    for (String op : new String[] {OpNames.SUM, OpNames.MEAN, OpNames.MAX}) {
      Tensor y = Ops.call(op, Attrs.of(AttrKeys.AXES, new int[0], AttrKeys.KEEP_DIMS, true), x);
      assertArrayEquals(x.toFloatArray(), y.toFloatArray(), op);
      x.zeroGrad();
      y.sum().backward();
      assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.grad().toFloatArray(), op);
    }
    // a gradient summed to a broadcast shape, and to the same shape (no axes)
    Tensor b = Tensor.zeros(3).requiresGrad(true);
    x.zeroGrad();
    x.add(b).sum().backward();
    assertArrayEquals(new float[] {2, 2, 2}, b.grad().toFloatArray());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.grad().toFloatArray());
  }
}
