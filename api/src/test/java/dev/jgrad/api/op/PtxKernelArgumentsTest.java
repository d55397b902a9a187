package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A plugin PTX kernel whose parameters do not take what its {@code args} pass is refused when its
 * op is registered, on any machine, instead of reading garbage on a GPU. The PTX is nvcc's, from
 * {@code src/test/cuda/scale.cu}, whose length parameter is an {@code int}.
 */
class PtxKernelArgumentsTest {
  private static final String PTX = PtxKernel.resource(PtxKernelArgumentsTest.class, "scale.ptx");
  private static final String OP = "acme::scale";

  private static boolean register(OpRegistry registry, Function<KernelCall, List<Object>> args) {
    return registry.register("acme.ScaleOps", r -> r
        .define(OpDef.builder(OP).arity(1).shapeRule((in, a) -> in.get(0)).build())
        .kernel(OP, "cuda", PtxKernel.builder(PTX).entry(DType.FLOAT32, "scale_f32")
            .entry(DType.FLOAT64, "scale_f64").elementwise().args(args).build()));
  }

  @Test
  void aLongPassedToAnIntParameterIsRefusedNamingOpEntryAndBothLists() {
    OpRegistry registry = new OpRegistry();
    assertFalse(register(registry,
        c -> List.of(c.input(0), c.output(), 2.0, c.output().length())));
    String failure = registry.failures().get(0);
    assertTrue(failure.contains("acme::scale: PTX entry scale_f"), failure);
    assertTrue(failure.contains(" declares parameters [.u64, .u64, .f32, .u32] but args(...)"
        + " passes [buffer, buffer, Double (f32), Long] for FLOAT32"), failure);
    assertFalse(failure.contains("\n"), failure);
    assertFalse(registry.isDefined(OP), "nothing of the refused provider is registered");
  }

  @Test
  void aMissingArgumentIsRefused() {
    OpRegistry registry = new OpRegistry();
    assertFalse(register(registry, c -> List.of(c.input(0), c.output(), 2.0)));
    assertTrue(registry.failures().get(0).contains("but args(...) passes [buffer, buffer, Double"),
        registry.failures().get(0));
  }

  @Test
  void argumentsThatFitEachEntryAreRegistered() {
    OpRegistry registry = new OpRegistry();
    // a Double is a float for scale_f32 and a double for scale_f64; the int length an Integer
    assertTrue(register(registry,
        c -> List.of(c.input(0), c.output(), 2.0, (int) c.output().length())),
        () -> registry.failures().toString());
    assertTrue(registry.isDefined(OP));
  }

  @Test
  void aFloatForTheDoubleEntryIsRefused() {
    OpRegistry registry = new OpRegistry();
    assertFalse(register(registry,
        c -> List.of(c.input(0), c.output(), 2.0f, (int) c.output().length())));
    assertTrue(registry.failures().get(0).contains("PTX entry scale_f64 declares parameters"
        + " [.u64, .u64, .f64, .u32] but args(...) passes [buffer, buffer, Float, Integer] for"
        + " FLOAT64"), registry.failures().get(0));
  }

  /**
   * Arguments that need what the registration's stand-in call lacks (an attribute) cannot be
   * known there: the kernel is registered, and the launch checks them.
   */
  @Test
  void argumentsThatNeedAnAttributeAreLeftToTheLaunch() {
    OpRegistry registry = new OpRegistry();
    assertTrue(register(registry, c -> List.of(c.input(0), c.output(),
        c.attrs().getDouble("a"), c.output().length())), () -> registry.failures().toString());
  }

  @Test
  void aKernelForAnOpAnotherProviderDefinedIsCheckedToo() {
    OpRegistry registry = new OpRegistry();
    assertTrue(registry.register("acme.Def", r -> r.define(OpDef.builder(OP).arity(1)
        .shapeRule((in, a) -> in.get(0)).build())));
    assertFalse(registry.register("acme.Kernels", r -> r.kernel(OP, "cuda",
        PtxKernel.builder(PTX).entry(DType.FLOAT32, "scale_f32").elementwise()
            .args(c -> List.of(c.input(0), c.output(), 2.0, 4L)).build())));
    assertEquals(1, registry.failures().size());
  }
}
