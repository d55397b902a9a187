package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A tensor changed in place after an op used it: backward fails instead of a wrong gradient. */
class InPlaceChangeTest {

  @Test
  void backwardFailsWhenAnOpsInputChangedInPlace() {
    Tensor x = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {2, 2, 2}).requiresGrad(true);
    Tensor y = x.mul(w).sum();
    w.assign(Tensor.of(new double[] {100, 100, 100})); // dy/dx would silently become 100
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertEquals("jgrad::mul's input 1 (shape [3]) was changed in place after it was used "
        + "(version 0 -> 1); compute after the change, or copy() it before", e.getMessage());
    assertNull(x.grad()); // a failed pass writes no gradient
  }

  @Test
  void backwardFailsWhenASavedOutputChangedInPlace() {
    Tensor x = Tensor.of(new double[] {0, 1}).requiresGrad(true);
    Tensor y = x.exp(); // its rule reads y
    Tensor loss = y.mul(2).sum();
    y.addScaledInPlace(Tensor.ones(x.dtype(), 2), 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().startsWith("jgrad::exp's output (shape [2])"), e.getMessage());
  }

  @Test
  void changesThroughAViewCount() {
    Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {3, 4});
    Tensor y = x.mul(w).sum();
    w.detach().assign(Tensor.of(new double[] {5, 6})); // same buffer as w
    assertEquals(1, w.version());
    assertThrows(IllegalStateException.class, y::backward);
    Tensor v = w.reshape(2, 1);
    v.markChangedInPlace();
    assertEquals(2, w.version());
  }

  @Test
  void copyBeforeTheChangeOrComputeAfterItGivesTheRightGradient() {
    Tensor x = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor w = Tensor.of(new double[] {3, 4}).requiresGrad(true);
    Tensor y = x.mul(w.copy()).sum();
    w.assign(Tensor.of(new double[] {100, 100}));
    y.backward();
    assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2}, w.grad().toDoubleArray(), 0);
    x.zeroGrad();
    x.mul(w).sum().backward(); // recorded after the change: version 1 both times
    assertArrayEquals(new double[] {100, 100}, x.grad().toDoubleArray(), 0);
  }

  /**
   * Ops whose gradient reads no value of w (shapes only), each to a scalar: each failed before.
   * (neg, transpose, add/mul by a scalar, exp's input... never called ctx.input, so never failed.)
   */
  static Stream<Arguments> opsWhoseGradientReadsNoValueOfTheirInput() {
    Tensor x = Tensor.of(new double[] {1, -2, 3, 4, 5, -6}, 2, 3);
    Tensor idx = Tensor.indices(new int[] {1, 0, 1});
    return Stream.of(
        op("add", w -> x.add(w).sum()),
        op("sub", w -> x.sub(w).sum()),
        // (a view: an op reading reshape's output values would be checked, as it should)
        op("reshape", w -> w.reshape(3, 2).sum()),
        op("broadcastTo", w -> w.sum(0, true).broadcastTo(4, 3).sum()),
        op("sum", w -> w.sum(1, false).sum()),
        op("mean", w -> w.mean().mul(2)),
        op("slice", w -> w.slice(1, 1, 2).sum()),
        op("concat", w -> Tensor.concat(0, w, x).sum()),
        op("indexSelect's source", w -> w.indexSelect(0, idx).sum()));

  }

  private static Arguments op(String name, Function<Tensor, Tensor> loss) {
    return Arguments.of(name, loss);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opsWhoseGradientReadsNoValueOfTheirInput")
  void changingAValueTheGradientDoesNotReadIsNoError(String name, Function<Tensor, Tensor> loss) {
    double[] before = {0.5, 1, -1, 2, 0, 3};
    Tensor reference = Tensor.of(before, 2, 3).requiresGrad(true);
    loss.apply(reference).backward();

    Tensor w = Tensor.of(before, 2, 3).requiresGrad(true);
    Tensor y = loss.apply(w);
    w.assign(Tensor.of(new double[] {9, 9, 9, 9, 9, 9}, 2, 3));
    y.backward(); // failed before: every input was checked, whatever the rule read
    assertArrayEquals(reference.grad().toDoubleArray(), w.grad().toDoubleArray(), 1e-12, name);
  }

  /** Changes that would spoil the gradient, each still caught: {@code change} runs after loss. */
  static Stream<Arguments> changesTheGradientReads() {
    return Stream.of(
        change("jgrad::mul's input 1", w -> {
          Tensor v = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
          return new Tensor[] {w.mul(v).sum(), v};
        }),
        change("jgrad::div's input 1", w -> {
          Tensor v = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
          return new Tensor[] {w.div(v).sum(), v};
        }),
        change("jgrad::matmul's input 1", w -> {
          Tensor v = Tensor.of(new double[] {1, 2, 3}, 3, 1);
          return new Tensor[] {w.matmul(v).sum(), v};
        }),
        change("jgrad::matmul's input 0", w -> {
          Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
          return new Tensor[] {a.matmul(w).sum(), a};
        }),
        change("jgrad::exp's output", w -> {
          Tensor y = w.exp();
          return new Tensor[] {y.sum(), y};
        }),
        change("jgrad::sigmoid's output", w -> {
          Tensor y = w.sigmoid();
          return new Tensor[] {y.sum(), y};
        }),
        change("jgrad::relu's input 0", w -> {
          Tensor h = w.mul(1);
          return new Tensor[] {h.relu().sum(), h};
        }),
        change("jgrad::log's input 0", w -> {
          Tensor h = w.add(10);
          return new Tensor[] {h.log().sum(), h};
        }),
        change("jgrad::index_select's input 1", w -> {
          Tensor idx = Tensor.indices(new int[] {1, 0});
          return new Tensor[] {w.indexSelect(0, idx).mul(w).sum(), idx};
        }));
  }

  private static Arguments change(String expected, Function<Tensor, Tensor[]> lossAndSaved) {
    return Arguments.of(expected, lossAndSaved);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changesTheGradientReads")
  void changingAValueTheGradientReadsStillFails(String expected,
      Function<Tensor, Tensor[]> lossAndSaved) {
    Tensor w = Tensor.of(new double[] {0.5, 1, -1, 2, 0, 3}, 2, 3).requiresGrad(true);
    Tensor[] ls = lossAndSaved.apply(w);
    Tensor saved = ls[1];
    if (saved.dtype().isFloatingPoint()) {
      saved.detach().assign(saved.detach().add(1));
    } else { // INT32 indices have no arithmetic: a direct write, recorded as such
      saved.markChangedInPlace();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, ls[0]::backward);
    assertTrue(e.getMessage().startsWith(expected + " ("), e.getMessage());
  }

  @Test
  void aPluginOpThatDeclaresNothingIsCheckedOnEveryInput() {
    String name = "test::undeclared_double";
    if (!OpRegistry.global().isDefined(name)) {
      OpRegistry.global().register("InPlaceChangeTest", r -> {
        r.define(OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build());
        r.kernel(name, OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) -> in.get(0).mul(2));
        // reads only the input's shape, but did not say so: checked like every input
        r.gradient(name, (dev.jgrad.api.op.GradientRule<Tensor>) ctx ->
            List.of(ctx.gradOutput().mul(2).reshape(ctx.input(0).shape().dims())));
      });
    }
    assertTrue(OpRegistry.global().definition(name).gradientReadsInput(0));
    assertTrue(OpRegistry.global().definition(name).gradientReadsOutput());
    Tensor w = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor y = Ops.call(name, w).sum();
    w.assign(Tensor.of(new double[] {5, 6}));
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().startsWith(name + "'s input 0 ("), e.getMessage());
  }

  @Test
  void aDeclarationNamingAnInputTheOpDoesNotHaveIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        OpDef.builder("test::bad").arity(2).shapeRule((in, a) -> in.get(0))
            .gradientReadsInputs(2).build());
    assertEquals("test::bad: gradientReadsInputs names input 2, but the op takes 2 input(s)",
        e.getMessage());
  }
}
