package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import org.junit.jupiter.api.Test;

/** An op with only a CPU kernel, called on another backend: a clear error, or the opt-in fallback. */
class CpuFallbackTest {
  private static Backend fakeDevice() {
    return TestBackends.renamedCpu("fake-device");
  }

  private static void registerCpuOnly(String name) {
    OpRegistry.global().register("CpuFallbackTest", r -> {
      r.define(OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build());
      r.kernel(name, "cpu", c -> c.backend().unary(UnaryOp.NEG, c.input(0), c.output()));
    });
  }

  @Test
  void withoutTheFallbackTheErrorNamesOpBackendAndWhoHasAKernel() {
    registerCpuOnly("test::cpu_only_a");
    Tensor x = Tensor.of(new double[] {1, 2}).to(fakeDevice());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Ops.call("test::cpu_only_a", x));
    assertTrue(e.getMessage().contains("test::cpu_only_a has no kernel for backend 'fake-device'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("[cpu]"), e.getMessage());
  }

  @Test
  void aFallbackSettingItDoesNotKnowIsAnErrorNamingIt() {
    registerCpuOnly("test::cpu_only_c");
    Tensor x = Tensor.of(new double[] {1, 2}).to(fakeDevice());
    System.setProperty(CpuFallbackKernel.PROPERTY, "true");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Ops.call("test::cpu_only_c", x));
      assertEquals("-Djgrad.kernel.fallback=true is not understood; give cpu (ops without a "
          + "kernel for the backend run on the CPU, with copies) or none, or leave it out",
          e.getMessage());
    } finally {
      System.clearProperty(CpuFallbackKernel.PROPERTY);
    }
  }

  @Test
  void theOptInFallbackRunsTheCpuKernelWithCopies() {
    registerCpuOnly("test::cpu_only_b");
    Backend device = fakeDevice();
    Tensor x = Tensor.of(new double[] {1, -2}).to(device);
    System.setProperty(CpuFallbackKernel.PROPERTY, "cpu");
    try {
      Tensor y = Ops.call("test::cpu_only_b", x);
      assertTrue(y.backend() == device, "the result lives on the calling backend");
      assertArrayEquals(new double[] {-1, 2}, y.toDoubleArray(), 0);
    } finally {
      System.clearProperty(CpuFallbackKernel.PROPERTY);
    }
  }
}
