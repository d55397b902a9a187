package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a plugin's PTX kernel gets wrong that can be told without a GPU. */
class PtxKernelTest {
  private static final String PTX = """
      .version 8.0
      .target sm_75
      .address_size 64

      .visible .entry softplus_fwd_f32(
      \t.param .u64 softplus_fwd_f32_param_0
      )
      { ret; }
      .visible .entry softplus_fwd_f64(
      \t.param .u64 softplus_fwd_f64_param_0
      )
      { ret; }
      """;

  private static PtxKernel.Builder kernel() {
    return PtxKernel.builder(PTX).elementwise().args(c -> List.of(c.output()));
  }

  @Test
  void entryPointsMustBeInThePtx() {
    PtxKernel k = kernel().entry(DType.FLOAT32, "softplus_fwd_f32")
        .entry(DType.FLOAT64, "softplus_fwd_f64").build();
    assertEquals("softplus_fwd_f64", k.entry(DType.FLOAT64));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernel().entry(DType.FLOAT32, "softplus_f32").build());
    assertEquals("PTX kernel: entry point softplus_f32 is not in its PTX, whose entries are"
        + " [softplus_fwd_f32, softplus_fwd_f64]", e.getMessage());
  }

  @Test
  void aResourceOfAPackageClosedToJgradSaysToOpenIt() {
    // java.base does not open java.lang: a plugin module that does not open its PTX's package
    // looks the same to the lookup, which then finds nothing
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PtxKernel.resource(Object.class, "/java/lang/kernels.ptx"));
    assertTrue(e.getMessage().startsWith("PTX resource /java/lang/kernels.ptx not found next to"
        + " java.lang.Object; module java.base does not open package java.lang to"), e.getMessage());
    assertTrue(e.getMessage().endsWith("add 'opens java.lang to dev.jgrad.api;' to its"
        + " module-info"), e.getMessage());
    // on the class path a missing resource is just missing
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> PtxKernel.resource(PtxKernelTest.class, "nothing.ptx"));
    assertFalse(missing.getMessage().contains("opens"), missing.getMessage());
  }
}
