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
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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
      // softplus as log(1 + exp(x)) + x / 100: wrong alike in both dtypes and in its gradient,
      // so only an independent reference can catch it
      r.define(OpDef.builder("kit::off_softplus").arity(1).shapeRule((in, a) -> in.get(0))
          .build());
      r.kernel("kit::off_softplus", OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
          in.get(0).exp().add(1).log().add(in.get(0).mul(0.01)));
      r.gradient("kit::off_softplus", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput().mul(ctx.input(0).sigmoid().add(0.01))));
      // a CPU kernel for FLOAT32 only: the FLOAT64 reference throws for each dtype's inputs
      r.define(OpDef.builder("kit::float_only").arity(1).differentiable(false)
          .shapeRule((in, a) -> in.get(0)).build());
      r.kernel("kit::float_only", "cpu", c -> {
        float[] x = ((HostBuffer) c.input(0)).floatArray();
        float[] y = ((HostBuffer) c.output()).floatArray();
        for (int i = 0; i < y.length; i++) {
          y[i] = 2 * x[i];
        }
      });
      // a shape rule whose error messages do not name the op
      r.define(OpDef.builder("kit::silent_shapes").arity(2).shapeRule((in, a) -> {
        if (in.get(0).shape().rank() != in.get(1).shape().rank()) {
          throw new IllegalArgumentException("ranks differ");
        } else if (!in.get(0).shape().equals(in.get(1).shape())) {
          throw new IllegalArgumentException("lengths differ");
        }
        return in.get(0);
      }).build());
      r.kernel("kit::silent_shapes", OpRegistry.ANY_BACKEND,
          (CompositeKernel) (in, a) -> in.get(0).add(in.get(1)));
      r.gradient("kit::silent_shapes", (GradientRule<Tensor>) ctx ->
          List.of(ctx.gradOutput(), ctx.gradOutput()));
    });
    OpRegistry.global().register("ScaledAddOps", r -> {
      // x + y whose shape rule looks at x alone: it takes [3, 4] with [3, 5]
      r.define(OpDef.builder("kit::scaled_add_lax").arity(2).shapeRule((in, a) -> in.get(0))
          .build());
      // the same, whose rule compares the shapes
      r.define(OpDef.builder("kit::scaled_add").arity(2).shapeRule((in, a) -> {
        if (!in.get(0).shape().equals(in.get(1).shape())) {
          throw new IllegalArgumentException("kit::scaled_add: x " + in.get(0).shape()
              + " and y " + in.get(1).shape() + " must have one shape");
        }
        return in.get(0);
      }).build());
      for (String op : List.of("kit::scaled_add_lax", "kit::scaled_add")) {
        r.kernel(op, OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) -> in.get(0).add(in.get(1)));
        r.gradient(op, (GradientRule<Tensor>) ctx -> List.of(ctx.gradOutput(), ctx.gradOutput()));
      }
    });
    OpRegistry.global().register("BroadcastOps", r -> {
      // x + y broadcast, whose CPU kernel reads x[i % |x|] and y[i % |y|]: right where an input
      // repeats along leading axes ([3, 4] + [4]), wrong where along a trailing one ([3, 4] +
      // [3, 1]); the gradient rule is right, so finite differences disagree there
      r.define(OpDef.builder("kit::add_flat").arity(2).shapeRule((in, a) -> new TensorSpec(
          Shape.broadcast(in.get(0).shape(), in.get(1).shape(), "kit::add_flat"),
          in.get(0).dtype())).build());
      r.kernel("kit::add_flat", "cpu", OpTestKitTest::addFlat);
      r.gradient("kit::add_flat", (GradientRule<Tensor>) ctx -> List.of(
          sumTo(ctx.gradOutput(), ctx.input(0).shape()),
          sumTo(ctx.gradOutput(), ctx.input(1).shape())));
      // x + sum(y): its rule reads x alone, rightly, since every vector y fits
      r.define(OpDef.builder("kit::plus_sum").arity(2).shapeRule((in, a) -> in.get(0)).build());
      r.kernel("kit::plus_sum", OpRegistry.ANY_BACKEND,
          (CompositeKernel) (in, a) -> in.get(0).add(in.get(1).sum()));
      r.gradient("kit::plus_sum", (GradientRule<Tensor>) ctx -> List.of(ctx.gradOutput(),
          ctx.gradOutput().sum().broadcastTo(ctx.input(1).shape().dims())));
    });
    OpRegistry.global().register("PtxScaleOps", r -> {
      // y = a x with a CUDA kernel from nvcc's PTX of api's src/test/cuda/scale.cu, whose length
      // is an int: kit::scale_long passes a long. Its args read the attribute, which the
      // registration's stand-in call lacks, so registration cannot check them; the kit can.
      String ptx = PtxKernel.resource(OpTestKitTest.class, "scale.ptx");
      Map<String, Function<KernelCall, Object>> lengths = Map.of(
          "kit::scale_long", c -> c.output().length(),
          "kit::scale", c -> (int) c.output().length());
      lengths.forEach((op, length) -> {
        r.define(OpDef.builder(op).arity(1).attributes("a").shapeRule((in, a) -> in.get(0))
            .build());
        r.kernel(op, OpRegistry.ANY_BACKEND, (CompositeKernel) (in, a) ->
            in.get(0).mul(a.getDouble("a")));
        r.kernel(op, "cuda", PtxKernel.builder(ptx).entry(DType.FLOAT32, "scale_f32")
            .entry(DType.FLOAT64, "scale_f64").elementwise()
            .args(c -> List.of(c.input(0), c.output(), c.attrs().getDouble("a"), length.apply(c)))
            .build());
        r.gradient(op, (GradientRule<Tensor>) ctx ->
            List.of(ctx.gradOutput().mul(ctx.attrs().getDouble("a"))));
      });
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
        .broadcasts()
        .run().assertPassed();
    OpTestKit.forOp(OpNames.MATMUL)
        .inputShapes(new int[] {2, 3}, new int[] {3, 4})
        .alsoValidWhere(s -> s[0][1] == s[1][0])
        .run().assertPassed();
  }

  /**
   * The FLOAT64 kernel was the only reference: a formula wrong alike in both dtypes (and in its
   * gradient) passed the kit. reference(f) checks it against the author's formula.
   */
  @Test
  void anIndependentReferenceCatchesAFormulaWrongInBothDtypes() {
    OpTestKit kit = OpTestKit.forOp("kit::off_softplus").shapes(new int[] {3, 4}).inputRange(-4, 4);
    kit.run().assertPassed(); // without a reference, nothing contradicts it
    OpTestReport r = kit.reference(x -> Math.log1p(Math.exp(x))).run();
    assertFalse(r.passed(), r.toString());
    assertEquals(List.of("forward FLOAT64 vs reference(f) [3, 4]"),
        r.failures().stream().map(CheckResult::check).toList(), r.toString());
    assertTrue(r.failures().get(0).detail().contains("relative to 1 + |reference|"), r.toString());
    // a right op passes its reference
    OpTestKit.forOp(OpNames.SIGMOID).shapes(new int[] {3, 4})
        .reference(x -> 1 / (1 + Math.exp(-x))).run().assertPassed();
    assertThrows(IllegalArgumentException.class, () -> kit.reference(x -> x, -1));
  }

  /** A FLOAT64 reference that threw was reported twice under one name, once per dtype. */
  @Test
  void aReferenceThatThrowsIsReportedOncePerDtypeUnderItsOwnName() {
    OpTestReport r = OpTestKit.forOp("kit::float_only").shapes(new int[] {3, 4}).run();
    List<String> failed = r.failures().stream().map(CheckResult::check).toList();
    assertEquals(List.of("forward FLOAT64 reference of FLOAT32 inputs [3, 4]",
        "forward FLOAT64 reference [3, 4]"), failed.stream()
        .filter(c -> c.startsWith("forward FLOAT64 reference")).toList(), r.toString());
    assertEquals(failed.size(), Set.copyOf(failed).size(), r.toString());
  }

  @Test
  void aShapeRuleThatReadsOneInputFailsOnDerivedShapes() {
    OpTestReport r = OpTestKit.forOp("kit::scaled_add_lax")
        .inputShapes(new int[] {3, 4}, new int[] {3, 4}).run();
    assertFalse(r.passed(), r.toString());
    CheckResult wider = r.failures().stream()
        .filter(c -> c.check().equals("rejects derived [3, 4] x [3, 5]")).findFirst()
        .orElseThrow(() -> new AssertionError(r.toString()));
    assertTrue(wider.detail().startsWith("shape rule accepted [3, 4] and [3, 5]; reject shapes"
        + " the kernel cannot take in the shape rule (an IllegalArgumentException naming"
        + " kit::scaled_add_lax and the shapes), or declare them valid with"), wider.detail());
    // each input's each dimension, one more and 1: [4, 4], [3, 5], [1, 4], [3, 1] per input
    assertEquals(8, r.failures().size(), r.toString());
    assertTrue(r.failures().stream().allMatch(c -> c.check().startsWith("rejects derived")),
        r.toString());

    OpTestReport right = OpTestKit.forOp("kit::scaled_add")
        .inputShapes(new int[] {3, 4}, new int[] {3, 4}).run().assertPassed();
    assertTrue(right.results().stream().anyMatch(c -> c.check().equals(
        "rejects derived [3, 4] x [3, 5]") && c.detail().equals("kit::scaled_add: x [3, 4] and"
        + " y [3, 5] must have one shape")), right.toString());
  }

  private static void addFlat(KernelCall c) {
    HostBuffer x = (HostBuffer) c.input(0);
    HostBuffer y = (HostBuffer) c.input(1);
    HostBuffer out = (HostBuffer) c.output();
    if (c.outputSpec().dtype() == DType.FLOAT32) {
      float[] xs = x.floatArray();
      float[] ys = y.floatArray();
      float[] os = out.floatArray();
      for (int i = 0; i < os.length; i++) {
        os[i] = xs[i % xs.length] + ys[i % ys.length];
      }
    } else {
      double[] xs = x.doubleArray();
      double[] ys = y.doubleArray();
      double[] os = out.doubleArray();
      for (int i = 0; i < os.length; i++) {
        os[i] = xs[i % xs.length] + ys[i % ys.length];
      }
    }
  }

  /** {@code g} summed over the axes {@code target} broadcast along. */
  private static Tensor sumTo(Tensor g, Shape target) {
    int extra = g.shape().rank() - target.rank();
    List<Integer> axes = new ArrayList<>();
    for (int d = 0; d < g.shape().rank(); d++) {
      if (d < extra || target.dim(d - extra) == 1 && g.shape().dim(d) != 1) {
        axes.add(d);
      }
    }
    Tensor summed = axes.isEmpty() ? g
        : g.sum(true, axes.stream().mapToInt(Integer::intValue).toArray());
    return summed.reshape(target.dims());
  }

  @Test
  void aWrongBroadcastingPathFailsOnTheDerivedSetsItTakes() {
    // right on the author's sets; of the derived sets broadcasts() takes, those where an input
    // repeats along a trailing axis get wrong values, and their gradient checks fail
    OpTestReport r = OpTestKit.forOp("kit::add_flat")
        .inputShapes(new int[] {3, 4}, new int[] {4})
        .inputShapes(new int[] {3, 4}, new int[] {3, 4})
        .broadcasts().run();
    assertFalse(r.passed(), r.toString());
    assertEquals(Set.of("gradient [3, 1] x [4] (declared valid)",
        "gradient [3, 1] x [3, 4] (declared valid)", "gradient [3, 4] x [3, 1] (declared valid)"),
        r.failures().stream().map(CheckResult::check).collect(Collectors.toSet()), r.toString());
    // the sets it computes right were run too, and passed
    assertTrue(r.results().stream().anyMatch(c -> c.status() == CheckResult.Status.PASSED
        && c.check().equals("gradient [1, 4] x [3, 4] (declared valid)")), r.toString());
  }

  @Test
  void aWrongResultOnAnExplicitlyDeclaredSetFailsNamingIt() {
    // the lax rule gives [1] for [1] x [3]: its kernel's [3] does not fit
    OpTestReport r = OpTestKit.forOp("kit::scaled_add_lax").inputShapes(new int[] {3}, new int[] {3})
        .alsoValidShapes(new int[] {1}, new int[] {3}).run();
    assertFalse(r.passed(), r.toString());
    CheckResult gradient = r.failures().stream()
        .filter(c -> c.check().equals("gradient [1] x [3] (declared valid)")).findFirst()
        .orElseThrow(() -> new AssertionError(r.toString()));
    assertTrue(gradient.detail().contains("returned FLOAT64[3] but the shape rule promised"
        + " FLOAT64[1]"), gradient.detail());
    // the other failures are the derived sets it was not declared to take
    assertTrue(r.failures().stream().allMatch(c -> c.check().endsWith("[1] x [3] (declared valid)")
        || c.check().startsWith("rejects derived")), r.toString());
  }

  @Test
  void derivedShapesDeclaredValidAreNotExpectedToBeRejected() {
    // from [3] x [3]: [4] x [3], [1] x [3], [3] x [4] and [3] x [1]
    OpTestKit kit = OpTestKit.forOp("kit::plus_sum").inputShapes(new int[] {3}, new int[] {3})
        .alsoValidShapes(new int[] {4}, new int[] {3})
        .alsoValidShapes(new int[] {1}, new int[] {3})
        .alsoValidShapes(new int[] {3}, new int[] {4});
    OpTestReport threeOfFour = kit.run();
    assertEquals(1, threeOfFour.failures().size(), threeOfFour.toString());
    assertEquals("rejects derived [3] x [1]", threeOfFour.failures().get(0).check());
    OpTestReport all = kit.alsoValidWhere(s -> s[1][0] == 1).run().assertPassed();
    // each declared set is computed and checked, not merely spared the rejection check
    assertEquals(4, all.results().stream().filter(c -> c.check().startsWith("gradient")
        && c.check().endsWith("(declared valid)")).count(), all.toString());
  }

  @Test
  void aBroadcastingOpFailsDerivedShapesUnlessItSaysItBroadcasts() {
    OpTestReport r = OpTestKit.forOp(OpNames.ADD).inputShapes(new int[] {2, 3}, new int[] {3})
        .run();
    assertTrue(r.failures().stream().anyMatch(c -> c.check().equals(
        "rejects derived [1, 3] x [3]")), r.toString());
    OpTestReport broadcasting = OpTestKit.forOp(OpNames.ADD)
        .inputShapes(new int[] {2, 3}, new int[] {3}).broadcasts().run().assertPassed();
    // what does not broadcast is still expected to be rejected, naming the op
    assertTrue(broadcasting.results().stream().anyMatch(c -> c.check().equals(
        "rejects derived [2, 4] x [3]") && c.status() == CheckResult.Status.PASSED
        && c.detail().contains(OpNames.ADD)), broadcasting.toString());
  }

  @Test
  void ptxArgumentsThatDoNotFitTheEntryForARealCallFail() {
    // registration could not check: its stand-in call has no attribute 'a'
    assertTrue(OpRegistry.global().isDefined("kit::scale_long"));
    OpTestReport r = OpTestKit.forOp("kit::scale_long").attrs(Attrs.of("a", 1.5)).run();
    assertFalse(r.passed(), r.toString());
    CheckResult first = r.failures().get(0);
    assertEquals("PTX arguments cuda [7]", first.check(), r.toString());
    assertTrue(first.detail().contains("kit::scale_long: PTX entry scale_f32 declares parameters"
        + " [.u64, .u64, .f32, .u32] but args(...) passes [buffer, buffer, Double (f32), Long]"
        + " for FLOAT32"), first.detail());
    assertTrue(r.failures().stream().allMatch(c -> c.check().startsWith("PTX arguments cuda")),
        r.toString());

    OpTestReport right = OpTestKit.forOp("kit::scale").attrs(Attrs.of("a", 1.5)).run()
        .assertPassed();
    assertEquals(3, right.results().stream().filter(c -> c.check().startsWith("PTX arguments")
        && c.status() == CheckResult.Status.PASSED).count(), right.toString());
  }

  @Test
  void ptxArgumentsThatThrowForARealCallFail() {
    // no attribute 'a': the launch would throw the same
    OpTestReport r = OpTestKit.forOp("kit::scale").run();
    assertTrue(r.failures().stream().anyMatch(c -> c.check().equals("PTX arguments cuda [7]")
        && c.detail().contains("kit::scale: args(...) of PTX entry scale_f32 threw")), r.toString());
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
