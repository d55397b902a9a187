package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.PtxSignature;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** Plugin PTX: signature parsing and argument checking, without a GPU. */
class PtxPluginLauncherTest {
  private static final String PTX = """
      .version 8.0
      .target sm_75
      .address_size 64

      .visible .entry swish_fwd_f32(
      \t.param .u64 swish_fwd_f32_param_0,
      \t.param .u64 swish_fwd_f32_param_1,
      \t.param .f32 swish_fwd_f32_param_2,
      \t.param .u64 swish_fwd_f32_param_3
      )
      {
      \tret;
      }
      .visible .entry swish_fwd_f64(
      \t.param .u64 swish_fwd_f64_param_0,
      \t.param .u64 swish_fwd_f64_param_1,
      \t.param .f64 swish_fwd_f64_param_2,
      \t.param .u32 swish_fwd_f64_param_3,
      \t.param .align 8 .b8 swish_fwd_f64_param_4[200]
      )
      {
      \tret;
      }
      """;

  private final CudaBuffer buf = new CudaBuffer(new Object(), DType.FLOAT32, 0, null, null);

  @Test
  void theContextIsMadeCurrentBeforeTheModuleIsLoaded() {
    List<String> calls = new java.util.ArrayList<>();
    PtxPluginLauncher launcher = new PtxPluginLauncher(null, () -> calls.add("makeCurrent"),
        (ptx, what) -> {
          calls.add("load");
          throw new IllegalStateException("stop here: no GPU");
        }, (module, entry, what) -> {
          throw new AssertionError("no lookup without a module");
        });
    assertThrows(IllegalStateException.class, () -> launcher.launch(PTX, "swish_fwd_f32",
        DType.FLOAT32, 1, 32, List.of(buf, buf, 1.0, 1L), b -> buf));
    assertEquals(List.of("makeCurrent", "load"), calls);
  }

  @Test
  void preloadingLoadsATextOnceAndLooksUpEveryEntry() {
    List<String> calls = new java.util.ArrayList<>();
    PtxPluginLauncher launcher = new PtxPluginLauncher(null, () -> calls.add("makeCurrent"),
        (ptx, what) -> {
          calls.add("load " + what);
          return new jcuda.driver.CUmodule();
        }, (module, entry, what) -> {
          calls.add("find " + entry);
          return new jcuda.driver.CUfunction();
        });
    launcher.preload(PTX, "fused.ptx");
    launcher.preload(PTX, "fused.ptx");
    assertEquals(List.of("makeCurrent", "load fused.ptx", "find swish_fwd_f32",
        "find swish_fwd_f64", "makeCurrent"), calls);
  }

  @Test
  void parsesEntriesAndParameterTypes() {
    Map<String, List<String>> s = PtxSignature.parse(PTX);
    assertEquals(List.of(".u64", ".u64", ".f32", ".u64"), s.get("swish_fwd_f32"));
    assertEquals(List.of(".u64", ".u64", ".f64", ".u32", ".align 8 .b8[200]"),
        s.get("swish_fwd_f64"));
  }

  @Test
  void convertsArgumentsTheWayTheApiDocuments() {
    List<String> types = PtxSignature.parse(PTX).get("swish_fwd_f32");
    // a Double is passed as a float for FLOAT32 calls; a Long fills a .u64
    assertEquals(4, PtxPluginLauncher.convert("swish_fwd_f32", types,
        List.of(buf, buf, 1.0, 10L), DType.FLOAT32, b -> new CUdeviceptr()).size());
  }

  /** Each Java kind against every integer PTX type: the widths must match, the sign not. */
  @Test
  void integersFitTheirWidthInAnySignedness() {
    for (String t : List.of(".u64", ".s64", ".b64", ".u32", ".s32", ".b32")) {
      boolean wide = t.endsWith("64");
      Object fitting = wide ? (Object) 5L : (Object) 5;
      Object other = wide ? (Object) 5 : (Object) 5L;
      assertEquals(1, PtxPluginLauncher.convert("k", List.of(t), List.of(fitting), DType.FLOAT32,
          b -> new CUdeviceptr()).size(), t);
      assertThrows(IllegalArgumentException.class, () -> PtxPluginLauncher.convert("k",
          List.of(t), List.of(other), DType.FLOAT32, b -> new CUdeviceptr()), t);
    }
    for (String t : List.of(".u16", ".f32", ".pred", ".u640")) {
      assertThrows(IllegalArgumentException.class, () -> PtxPluginLauncher.convert("k",
          List.of(t), List.of(5L), DType.FLOAT32, b -> new CUdeviceptr()), t);
    }
  }

  @Test
  void rejectsArgumentsThatDoNotFit() {
    List<String> types = PtxSignature.parse(PTX).get("swish_fwd_f32");
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> PtxPluginLauncher.convert("swish_fwd_f32", types, List.of(buf, buf, 1.0),
            DType.FLOAT32, b -> new CUdeviceptr()));
    assertTrue(count.getMessage().contains("takes 4 parameters"), count.getMessage());
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> PtxPluginLauncher.convert("swish_fwd_f32", types, List.of(buf, buf, 1.0, 10),
            DType.FLOAT32, b -> new CUdeviceptr()));
    assertTrue(kind.getMessage().contains("argument 4 (10 as 32) does not fit PTX parameter "
        + "type .u64"), kind.getMessage());
    IllegalArgumentException dbl = assertThrows(IllegalArgumentException.class,
        () -> PtxPluginLauncher.convert("swish_fwd_f32", types, List.of(buf, buf, 1.0, 10L),
            DType.FLOAT64, b -> new CUdeviceptr()));
    assertTrue(dbl.getMessage().contains("does not fit PTX parameter type .f32"),
        dbl.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PtxPluginLauncher.convert(
        "swish_fwd_f32", types, List.of(buf, buf, "x", 10L), DType.FLOAT32,
        b -> new CUdeviceptr()));
  }
}
