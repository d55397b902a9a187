package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

class KernelArgsTest {
  private final CUdeviceptr p = new CUdeviceptr();

  @Test
  void acceptsTheDeclaredArguments() {
    assertNotNull(new KernelArgs(Kernel.UNARY, DType.FLOAT32).ptr(p).ptr(p).i64(10).i32(1).build());
    assertNotNull(new KernelArgs(Kernel.FILL, DType.FLOAT64).ptr(p).i64(3).scalar(0.1).build());
    assertNotNull(new KernelArgs(Kernel.BINARY_BCAST, DType.FLOAT32).ptr(p).ptr(p).ptr(p).i64(1)
        .i32(0).bcast(new byte[BroadcastPlan.STRUCT_BYTES]).build());
  }

  @Test
  void uint8HasTheEntriesOfTheKernelsThatMoveItAndNoOthers() {
    assertTrue(new KernelArgs(Kernel.INDEX_SELECT, DType.UINT8).ptr(p).i64(1).i64(3).i64(1).ptr(p)
        .i64(2).ptr(p).ptr(p).build() != null);
    for (Kernel k : Kernel.values()) {
      boolean moves = k == Kernel.CONVERT || k == Kernel.COPY_AXIS || k == Kernel.COPY_STRIDED
          || k == Kernel.INDEX_SELECT;
      assertTrue(k.dtypes().contains(DType.UINT8) == moves, k + ": " + k.dtypes());
      if (moves) {
        assertTrue(k.entry(DType.UINT8).endsWith("_u8"), k.entry(DType.UINT8));
      }
    }
  }

  @Test
  void rejectsAWrongKind() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new KernelArgs(Kernel.UNARY, DType.FLOAT32).ptr(p).ptr(p).i32(10));
    assertTrue(e.getMessage().contains("jg_unary_f32: argument 3 is a I32"), e.getMessage());
  }

  @Test
  void rejectsTooManyAndTooFew() {
    assertThrows(IllegalStateException.class,
        () -> new KernelArgs(Kernel.FILL, DType.FLOAT32).ptr(p).i64(1).scalar(0).i32(0));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new KernelArgs(Kernel.FILL, DType.FLOAT64).ptr(p).i64(1).build());
    assertTrue(e.getMessage().contains("jg_fill_f64 takes 3 arguments but 2 were given"),
        e.getMessage());
  }

  @Test
  void rejectsAWrongSizedStruct() {
    assertThrows(IllegalStateException.class, () -> new KernelArgs(Kernel.BINARY_BCAST,
        DType.FLOAT32).ptr(p).ptr(p).ptr(p).i64(1).i32(0).bcast(new byte[10]));
  }
}
