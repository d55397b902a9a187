package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every contract violation fails with a message that says what was wrong, and never crashes. */
class ErrorTest {
  private static final DeviceBuffer F3 = buffer(DType.FLOAT32, 1, 2, 3);
  private static final DeviceBuffer D3 = buffer(DType.FLOAT64, 1, 2, 3);

  private static <T extends Throwable> void assertFails(Class<T> type, Executable call,
      String... fragments) {
    T e = assertThrows(type, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f),
          "message should contain '" + f + "' but was: " + e.getMessage());
    }
  }

  @Test
  void mixedDtypesNameThePrimitiveAndBothDtypes() {
    assertFails(IllegalArgumentException.class, () -> CPU.unary(UnaryOp.EXP, F3, D3),
        "unary(EXP)", "FLOAT32", "FLOAT64");
    assertFails(IllegalArgumentException.class,
        () -> CPU.binary(BinaryOp.ADD, F3, Shape.of(3), D3, Shape.of(3), F3, Shape.of(3)),
        "binary(ADD)", "a is FLOAT32", "b is FLOAT64");
    assertFails(IllegalArgumentException.class, () -> CPU.scalar(BinaryOp.MUL, D3, 2, F3),
        "scalar(MUL)", "FLOAT64", "FLOAT32");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(F3, false, D3, false, CPU.allocate(DType.FLOAT32, 9), 3, 3, 1),
        "matmul", "FLOAT32", "FLOAT64");
    assertFails(IllegalArgumentException.class,
        () -> CPU.reduce(ReduceOp.SUM, F3, 1, 3, 1, CPU.allocate(DType.FLOAT64, 1)),
        "reduce(SUM)", "FLOAT32", "FLOAT64");
    assertFails(IllegalArgumentException.class, () -> CPU.copy(F3, 0, D3, 0, 1), "copy");
    assertFails(IllegalArgumentException.class, () -> CPU.transpose(F3, 1, 1, 3, D3),
        "transpose");
    assertFails(IllegalArgumentException.class,
        () -> CPU.indexSelect(F3, 1, 3, 1, buffer(DType.FLOAT64, 0), CPU.allocate(DType.FLOAT32, 1)),
        "indexSelect", "indices is FLOAT64");
    assertFails(IllegalArgumentException.class,
        () -> CPU.indexAdd(F3, buffer(DType.FLOAT32, 0, 1, 2), D3, 1, 3, 1), "indexAdd", "dst");
    assertFails(IllegalArgumentException.class,
        () -> CPU.oneHot(D3, 3, CPU.allocate(DType.FLOAT32, 9)), "oneHot");
    assertFails(IllegalArgumentException.class,
        () -> CPU.copyAxisRange(F3, 3, 0, D3, 3, 0, 1, 1, 1), "copyAxisRange");
  }

  @Test
  void wrongLengthsNameExpectedAndActual() {
    assertFails(IllegalArgumentException.class,
        () -> CPU.unary(UnaryOp.NEG, F3, CPU.allocate(DType.FLOAT32, 4)),
        "unary(NEG)", "length 3", "length 4");
    assertFails(IllegalArgumentException.class,
        () -> CPU.binary(BinaryOp.ADD, F3, Shape.of(2, 2), F3, Shape.of(3), F3, Shape.of(2, 3)),
        "binary(ADD)", "cannot be broadcast");
    assertFails(IllegalArgumentException.class,
        () -> CPU.binary(BinaryOp.ADD, F3, Shape.of(4), F3, Shape.of(4), F3, Shape.of(4)),
        "binary(ADD)", "a (shape [4])", "length 4", "length 3");
    assertFails(IllegalArgumentException.class,
        () -> CPU.binary(BinaryOp.ADD, F3, Shape.of(3), F3, Shape.of(3), F3, Shape.of(1, 3)),
        "binary(ADD)", "outShape", "[3]", "[1, 3]");
    assertFails(IllegalArgumentException.class,
        () -> CPU.scalar(BinaryOp.ADD, F3, 1, CPU.allocate(DType.FLOAT32, 2)),
        "scalar(ADD)", "length 3", "length 2");
    assertFails(IllegalArgumentException.class,
        () -> CPU.reduce(ReduceOp.MAX, F3, 1, 3, 1, CPU.allocate(DType.FLOAT32, 3)),
        "reduce(MAX)", "length 1", "length 3");
    assertFails(IllegalArgumentException.class,
        () -> CPU.reduce(ReduceOp.SUM, F3, 3, 0, 1, F3), "reduce(SUM)", "axis must be at least 1");
    assertFails(IllegalArgumentException.class,
        () -> CPU.transpose(F3, 1, 2, 2, CPU.allocate(DType.FLOAT32, 4)),
        "transpose", "length 4", "length 3");
    assertFails(IllegalArgumentException.class,
        () -> CPU.oneHot(F3, 4, CPU.allocate(DType.FLOAT32, 9)), "oneHot", "length 12",
        "length 9");
    assertFails(IllegalArgumentException.class, () -> CPU.download(F3, new float[2]),
        "download", "length 3", "length 2");
    assertFails(IllegalArgumentException.class, () -> CPU.allocate(DType.FLOAT32, -1),
        "allocate", "-1");
  }

  /** OpenBLAS trusts its arguments, so each inconsistent size must be caught before the call. */
  @ParameterizedTest
  @EnumSource(DType.class)
  void matmulRejectsEveryInconsistentSizeWithoutCrashing(DType dtype) {
    DeviceBuffer a = CPU.allocate(dtype, 6); // [2, 3]
    DeviceBuffer b = CPU.allocate(dtype, 12); // [3, 4]
    DeviceBuffer out = CPU.allocate(dtype, 8); // [2, 4]
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(a, false, b, false, out, 2, 4, 30), "matmul", "a (stored [m, k] = [2, 30])",
        "length 60", "length 6");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(a, true, b, false, out, 2, 4, 4), "matmul", "a (stored [k, m] = [4, 2])",
        "length 8", "length 6");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(a, false, CPU.allocate(dtype, 9), true, out, 2, 4, 3), "matmul",
        "b (stored [n, k] = [4, 3])", "length 12", "length 9");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(a, false, b, false, CPU.allocate(dtype, 7), 2, 4, 3), "matmul", "out",
        "length 8", "length 7");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(a, false, b, false, out, -2, -4, 3), "matmul", "m must be >= 0");
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(CPU.allocate(dtype, 0), false, CPU.allocate(dtype, 0), false, out, 65536,
            65536, 0), "matmul", "out", "length 4294967296", "length 8");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, 3, 100})
  void outOfRangeIndicesNameIndexAndBound(double bad) {
    for (DType dtype : DType.values()) {
      DeviceBuffer src = buffer(dtype, 1, 2, 3);
      DeviceBuffer idx = buffer(dtype, 0, bad);
      DeviceBuffer out = buffer(dtype, 5, 5);
      String index = "index " + (long) bad;
      assertFails(IndexOutOfBoundsException.class,
          () -> CPU.indexSelect(src, 1, 3, 1, idx, out), "indexSelect", index, "bound 3");
      assertArrayEquals(new double[] {5, 5}, read(out), "nothing written before the check");
      assertFails(IndexOutOfBoundsException.class, () -> CPU.indexAdd(out, idx, src, 1, 3, 1),
          "indexAdd", index, "bound 3");
      assertArrayEquals(new double[] {1, 2, 3}, read(src), "nothing added before the check");
      assertFails(IndexOutOfBoundsException.class,
          () -> CPU.oneHot(idx, 3, CPU.allocate(dtype, 6)), "oneHot", index, "bound 3");
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, -0.25, Double.NaN})
  void nonIntegerIndicesAreRejected(double bad) {
    for (DType dtype : DType.values()) {
      DeviceBuffer idx = buffer(dtype, bad);
      assertFails(IllegalArgumentException.class,
          () -> CPU.indexSelect(buffer(dtype, 1, 2), 1, 2, 1, idx, CPU.allocate(dtype, 1)),
          "indexSelect", "not a whole number");
      assertFails(IllegalArgumentException.class,
          () -> CPU.oneHot(idx, 2, CPU.allocate(dtype, 2)), "oneHot", "not a whole number");
    }
  }

  @Test
  void rangesOutsideABufferAreRejected() {
    assertFails(IndexOutOfBoundsException.class, () -> CPU.copy(F3, 2, F3, 0, 2), "copy",
        "source range [2, 4)", "[0, 3)");
    assertFails(IndexOutOfBoundsException.class, () -> CPU.copy(F3, 0, F3, -1, 1), "copy",
        "destination range [-1, 0)");
    assertFails(IndexOutOfBoundsException.class,
        () -> CPU.copyAxisRange(F3, 3, 2, F3, 3, 0, 1, 2, 1), "copyAxisRange", "source axis");
    assertFails(IllegalArgumentException.class,
        () -> CPU.copyAxisRange(F3, 4, 0, F3, 3, 0, 1, 1, 1), "copyAxisRange", "length 4",
        "length 3");
  }

  /** These wrote wrong results in place before the contract forbade them. */
  @Test
  void outputsThatAreAlsoInputsAreRejectedWhereThePrimitiveCannotWorkInPlace() {
    DeviceBuffer m4 = buffer(DType.FLOAT32, 1, 2, 3, 4);
    assertFails(IllegalArgumentException.class,
        () -> CPU.matmul(m4, false, buffer(DType.FLOAT32, 1, 0, 0, 1), false, m4, 2, 2, 2),
        "matmul on the cpu backend", "out and a are the same buffer");
    assertFails(IllegalArgumentException.class, () -> CPU.transpose(m4, 1, 2, 2, m4),
        "transpose", "out and x are the same buffer");
    assertFails(IllegalArgumentException.class,
        () -> CPU.copyAxisRange(m4, 2, 0, m4, 2, 1, 2, 1, 1), "copyAxisRange",
        "dst and src are the same buffer");
    assertFails(IllegalArgumentException.class,
        () -> CPU.indexSelect(m4, 1, 4, 1, buffer(DType.FLOAT32, 3, 2, 1, 0), m4), "indexSelect",
        "out and src are the same buffer");
    assertArrayEquals(new double[] {1, 2, 3, 4}, read(m4), "nothing written");
    // In place stays allowed where it is safe: elementwise, and a transpose of one row.
    CPU.unary(UnaryOp.NEG, m4, m4);
    CPU.transpose(m4, 1, 1, 4, m4);
    assertArrayEquals(new double[] {-1, -2, -3, -4}, read(m4));
  }

  @Test
  void closedAndForeignBuffersAreRejected() {
    DeviceBuffer closed = CPU.allocate(DType.FLOAT32, 3);
    closed.close();
    assertFails(IllegalStateException.class, () -> CPU.unary(UnaryOp.NEG, closed, F3),
        "unary(NEG)", "closed");
    DeviceBuffer foreign = new DeviceBuffer() {
      @Override
      public DType dtype() {
        return DType.FLOAT32;
      }

      @Override
      public long length() {
        return 3;
      }

      @Override
      public String backendName() {
        return "cuda";
      }

      @Override
      public boolean isClosed() {
        return false;
      }

      @Override
      public void close() {}
    };
    assertFails(IllegalArgumentException.class, () -> CPU.fill(foreign, 0), "fill", "'cuda'");
  }
}
