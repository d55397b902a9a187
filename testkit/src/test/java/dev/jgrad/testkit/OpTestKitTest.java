package dev.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.GpuRequirement;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpTestKitTest {

  @BeforeAll
  static void registerFaultyOps() {
    OpRegistry.global().register("OpTestKitTest", r -> {
      // cube with a gradient that is off by a factor: the gradient check must catch it
      r.define(OpDef.builder("kit::bad_grad").arity(1).shapeRule((in, a) -> in.get(0)).build());
      r.kernel("kit::bad_grad", OpRegistry.ANY_BACKEND,
          (CompositeKernel) (in, a) -> in.get(0).pow(3));
      r.gradient("kit::bad_grad", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput().mul(ctx.input(0).pow(2)).mul(2)));
      // square, right in FLOAT64 (forward and gradient) and off by 0.01 in FLOAT32 on every
      // backend: backends agree with each other, so only the FLOAT64 reference can catch it
      r.define(OpDef.builder("kit::bad_float32").arity(1).shapeRule((in, a) -> in.get(0)).build());
      r.kernel("kit::bad_float32", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) -> {
        Tensor square = in.get(0).pow(2);
        return in.get(0).dtype() == DType.FLOAT32 ? square.add(0.01) : square;
      });
      r.gradient("kit::bad_float32", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput().mul(ctx.input(0)).mul(2)));
      // a shape rule that accepts anything and an error message that does not name the op
      r.define(OpDef.builder("kit::silent_shapes").arity(2).shapeRule((in, a) -> {
        if (in.get(0).shape().rank() != in.get(1).shape().rank()) {
          throw new IllegalArgumentException("ranks differ");
        }
        return in.get(0);
      }).build());
      r.kernel("kit::silent_shapes", OpRegistry.ANY_BACKEND,
          (CompositeKernel) (in, a) -> in.get(0).add(in.get(1)));
      r.gradient("kit::silent_shapes", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput(), ctx.gradOutput()));
    });
    // right everywhere it runs, but its CUDA kernel went to a misspelt name
    OpRegistry.global().register("MisnamedOps", r -> {
      r.define(OpDef.builder("kit::misnamed").arity(1).shapeRule((in, a) -> in.get(0)).build());
      r.kernel("kit::misnamed", OpRegistry.ANY_BACKEND,
          (CompositeKernel) (in, a) -> in.get(0).mul(2));
      r.kernel("kit::misnammed", "cuda", c -> { });
      r.kernel("kit::misnamed", "tpu", c -> { }); // no backend of that name exists
      r.gradient("kit::misnamed", (GradientRule<Tensor>) ctx -> List.of(ctx.gradOutput().mul(2)));
    });
  }

  @Test
  void builtInOpsPass() {
    OpTestReport sigmoid = OpTestKit.forOp(OpNames.SIGMOID).run().assertPassed();
    assertTrue(sigmoid.results().size() >= 7, sigmoid.toString());
    OpTestKit.forOp(OpNames.ADD)
        .inputShapes(new int[] {2, 3}, new int[] {3})
        .inputShapes(new int[] {4, 1}, new int[] {1, 5})
        .badInputShapes(new int[] {2, 3}, new int[] {4})
        .run().assertPassed();
  }

  @Test
  void withoutAGpuBackendChecksAreSkippedNotPassed() {
    assumeTrue(onlyTheCpu(), "a backend besides the CPU is available here");
    assumeFalse(GpuRequirement.isRequired(), "this run requires a GPU");
    OpTestReport r = OpTestKit.forOp(OpNames.TANH).run();
    assertFalse(r.skipped().isEmpty(), r.toString());
    assertTrue(r.skipped().get(0).detail().contains("no backend besides the CPU"), r.toString());
  }

  @Test
  void aKernelForABackendMissingFromTheClassPathIsNamedInTheSkip() {
    // as a plugin's tests without jgrad-cuda-backend on their class path skip its CUDA kernel
    assumeTrue(onlyTheCpu(), "a backend besides the CPU is available here");
    assumeFalse(GpuRequirement.isRequired(), "this run requires a GPU");
    OpTestReport r = OpTestKit.forOp("kit::misnamed").run();
    assertTrue(r.skipped().get(0).detail().contains("the op's kernels for [tpu] are never run:"
        + " no backend of that name is on the class path"), r.toString());
    OpTestReport cpuOnly = OpTestKit.forOp(OpNames.TANH).run();
    assertFalse(cpuOnly.skipped().get(0).detail().contains("never run"), cpuOnly.toString());
  }

  @Test
  void withoutAGpuBackendChecksFailWhereTheRunRequiresAGpu() {
    assumeTrue(onlyTheCpu(), "a backend besides the CPU is available here");
    try (var required = GpuRequirement.override(true)) {
      OpTestReport r = OpTestKit.forOp(OpNames.TANH).run();
      assertTrue(r.skipped().isEmpty(), r.toString());
      assertFalse(r.passed(), r.toString());
      assertTrue(r.failures().get(0).check().startsWith("backends"), r.toString());
      assertTrue(r.failures().get(0).detail().contains("requires a GPU"), r.toString());
    }
  }

  private static boolean onlyTheCpu() {
    return Backends.discover().stream().noneMatch(
        f -> !f.provider().name().equals("cpu") && f.availability().isAvailable());
  }

  @Test
  void aWrongGradientFails() {
    OpTestReport r = OpTestKit.forOp("kit::bad_grad").run();
    assertFalse(r.passed());
    assertTrue(r.failures().get(0).check().startsWith("gradient"), r.toString());
    AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
    assertTrue(e.getMessage().contains("kit::bad_grad failed"), e.getMessage());
  }

  @Test
  void aWrongFloat32KernelFailsAgainstTheFloat64Reference() {
    OpTestReport r = OpTestKit.forOp("kit::bad_float32").run();
    assertFalse(r.passed(), r.toString());
    CheckResult first = r.failures().get(0);
    assertEquals("forward FLOAT32 vs FLOAT64 reference [7]", first.check(), r.toString());
    assertTrue(first.detail().contains("worst error"), r.toString());
    // the gradient and the FLOAT64 forward are right: only FLOAT32 forward checks fail
    assertTrue(r.failures().stream().allMatch(f -> f.check().contains("FLOAT32 vs FLOAT64")),
        r.toString());
  }

  @Test
  void shapeErrorsNameTheOpThoughTheRuleDoesNot() {
    // OpDef puts the op's name in front of its shape rule's errors ("ranks differ" alone)
    OpTestReport r = OpTestKit.forOp("kit::silent_shapes")
        .inputShapes(new int[] {3}, new int[] {3})
        .badInputShapes(new int[] {3}, new int[] {2, 3})
        .run();
    assertTrue(r.failures().isEmpty(), r.toString());
    assertTrue(r.results().stream().anyMatch(c -> c.check().startsWith("rejects")
        && c.detail().equals("kit::silent_shapes: ranks differ")), r.toString());
  }

  @Test
  void aKernelRegisteredUnderAMisspeltNameFails() {
    OpTestReport r = OpTestKit.forOp("kit::misnamed").run();
    assertEquals(1, r.failures().size(), r.toString());
    assertEquals("names", r.failures().get(0).check(), r.toString());
    assertTrue(r.failures().get(0).detail().contains("kit::misnammed (cuda kernel, from "
        + "MisnamedOps)"), r.toString());
  }

  @Test
  void anUnregisteredOpFailsClearly() {
    OpTestReport r = OpTestKit.forOp("kit::nothing").run();
    assertFalse(r.passed());
    assertTrue(r.failures().get(0).detail().contains("unknown op 'kit::nothing'"), r.toString());
  }
}
