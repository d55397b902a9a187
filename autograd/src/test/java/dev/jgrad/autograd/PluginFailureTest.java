package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plugin's kernel or gradient rule that throws: the error names the op, the backend and the
 * inputs, as the JVM's or an inner op's message alone does not. Each op here has the bug a
 * plugin author makes.
 */
class PluginFailureTest {
  private static OpDef unary(String name) {
    return OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build();
  }

  @BeforeAll
  static void registerBuggyOps() {
    OpRegistry.global().register("PluginFailureTest", r -> {
      // a kernel written for FLOAT32 only
      r.define(unary("bug::float_only"));
      r.kernel("bug::float_only", "cpu", c -> {
        float[] x = ((HostBuffer) c.input(0)).floatArray();
        float[] y = ((HostBuffer) c.output()).floatArray();
        for (int i = 0; i < y.length; i++) {
          y[i] = 2 * x[i];
        }
      });
      // a kernel that writes past its output
      r.define(unary("bug::overrun"));
      r.kernel("bug::overrun", "cpu", c -> ((HostBuffer) c.output()).doubleArray()[5] = 1);
      // a kernel calling a method this jgrad lacks (built against a newer one)
      r.define(unary("bug::newer_api"));
      r.kernel("bug::newer_api", "cpu", c -> {
        throw new NoSuchMethodError("'float dev.jgrad.api.op.Attrs.getFloat(java.lang.String)'");
      });
      // a kernel reading its attribute as a number where the caller gave a String
      r.define(unary("bug::attr"));
      r.kernel("bug::attr", "cpu", c -> c.attrs().getDouble("delta"));
      // a gradient rule that multiplies shapes that do not broadcast
      r.define(unary("bug::grad_shapes"));
      r.kernel("bug::grad_shapes", "cpu", c -> { });
      r.gradient("bug::grad_shapes", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput().mul(ctx.input(0).unsqueeze(-1))));
      // ARCHITECTURE.md's composite swish, called without its attribute
      r.define(unary("bug::composite_attr"));
      r.kernel("bug::composite_attr", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
          in.get(0).mul(in.get(0).mul(a.getDouble("beta")).sigmoid()));
      // a composite whose inner op fails
      r.define(unary("bug::composite_inner"));
      r.kernel("bug::composite_inner", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
          in.get(0).mul(in.get(0).unsqueeze(-1).expand(3, 4, 2)));
      // a shape rule with no result
      r.define(OpDef.builder("bug::null_shape").arity(1).shapeRule((in, a) -> null).build());
      r.kernel("bug::null_shape", "cpu", c -> { });
    });
  }

  @Test
  void aFloatOnlyKernelCalledInFloat64NamesTheOpAndWhatToDo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call("bug::float_only", Tensor.of(new double[] {1, 2, 3})));
    assertTrue(e.getMessage().startsWith("bug::float_only: its cpu kernel failed on "
        + "[FLOAT64[3]] (output FLOAT64[3]): CPU buffer holds FLOAT64, not FLOAT32"),
        e.getMessage());
    assertTrue(e.getMessage().contains("branch on call.outputSpec().dtype()"), e.getMessage());
  }

  @Test
  void aKernelOverrunStaysAnIndexErrorNamingTheOp() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> Ops.call("bug::overrun", Tensor.of(new double[] {1, 2})));
    assertEquals("bug::overrun: its cpu kernel failed on [FLOAT64[2]] (output FLOAT64[2]): "
        + "java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2",
        e.getMessage());
  }

  @Test
  void aKernelBuiltAgainstAnotherJgradSaysSo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Ops.call("bug::newer_api", Tensor.of(new double[] {1})));
    assertTrue(e.getMessage().startsWith("bug::newer_api: its cpu kernel failed")
        && e.getMessage().contains("getFloat")
        && e.getMessage().contains("built against another jgrad version"), e.getMessage());
  }

  @Test
  void anAttributeOfTheWrongTypeNamesTheOpAndTheAttributes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call("bug::attr", Attrs.of("delta", "1.0"), Tensor.of(new double[] {1})));
    assertTrue(e.getMessage().startsWith("bug::attr: its cpu kernel failed on [FLOAT64[1]] with"
        + " attributes {delta=1.0}") && e.getMessage().contains("'delta' must be a number"),
        e.getMessage());
  }

  @Test
  void aCompositeKernelMissingItsAttributeNamesTheOpAndKeepsTheType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call("bug::composite_attr", Tensor.of(new double[] {1})));
    assertTrue(e.getMessage().startsWith("bug::composite_attr: its composite kernel failed on"
        + " [FLOAT64[1]] (output FLOAT64[1]): missing attribute 'beta'"), e.getMessage());
  }

  @Test
  void aCompositeKernelsInnerOpErrorIsNamedWithTheOuterOp() {
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> Ops.call("bug::composite_inner", Tensor.zeros(DType.FLOAT64, 3, 4)));
    assertTrue(e.getMessage().startsWith("bug::composite_inner: its composite kernel failed on"
        + " [FLOAT64[3, 4]] (output FLOAT64[3, 4]): jgrad::"), e.getMessage());
  }

  @Test
  void aFailingGradientRuleIsNamedWithTheInnerOpsError() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 3, 4).requiresGrad(true);
    Tensor y = Ops.call("bug::grad_shapes", x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> y.sum().backward());
    assertTrue(e.getMessage().startsWith("the gradient rule of bug::grad_shapes failed on inputs"
        + " [FLOAT64[3, 4]] and output gradient FLOAT64[3, 4]: jgrad::mul: shapes [3, 4] and"
        + " [3, 4, 1]"), e.getMessage());
  }

  @Test
  void aShapeRuleReturningNullIsNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Ops.call("bug::null_shape", Tensor.of(new float[] {1})));
    assertTrue(e.getMessage().startsWith("bug::null_shape: its shape rule returned null"),
        e.getMessage());
  }

  @Test
  void errorsThatNameTheOpAlreadyAreLeftAsTheyAre() {
    Tensor x = Tensor.of(new float[] {1, 2}, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> x.add(Tensor.of(new float[] {1, 2, 3}, 3)));
    assertTrue(e.getMessage().startsWith("jgrad::add: shapes [2] and [3]"), e.getMessage());
    assertEquals(DType.FLOAT32, x.dtype());
  }
}
