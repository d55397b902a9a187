package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one argument contract every backend checks first, with its one wording. */
class BackendContractTest {
  private static final BackendContract C = new BackendContract("fake");

  /** A buffer that only describes itself: the contract looks at nothing else. */
  private static final class Fake implements DeviceBuffer {
    private final DType dtype;
    private final long length;
    private final String backend;
    private boolean closed;

    Fake(DType dtype, long length, String backend) {
      this.dtype = dtype;
      this.length = length;
      this.backend = backend;
    }

    @Override
    public DType dtype() {
      return dtype;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public String backendName() {
      return backend;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String toString() {
      return dtype + "[" + length + "]";
    }
  }

  private static DeviceBuffer f32(long n) {
    return new Fake(DType.FLOAT32, n, "fake");
  }

  private static DeviceBuffer i32(long n) {
    return new Fake(DType.INT32, n, "fake");
  }

  private static DeviceBuffer f64(long n) {
    return new Fake(DType.FLOAT64, n, "fake");
  }

  private static String message(Class<? extends Throwable> type,
      org.junit.jupiter.api.function.Executable call) {
    return assertThrows(type, call).getMessage();
  }

  @Test
  void dtypeMismatchNamesBothDtypes() {
    assertEquals("binary(ADD) on the fake backend: a is FLOAT32 but b is FLOAT64; all buffers of "
        + "one call must have the same dtype", message(IllegalArgumentException.class,
            () -> C.binary(BinaryOp.ADD, f32(3), Shape.of(3), new Fake(DType.FLOAT64, 3, "fake"),
                Shape.of(3), f32(3), Shape.of(3))));
  }

  @Test
  void shapesThatDoNotBroadcastAreNamedWithThePrefix() {
    assertTrue(message(IllegalArgumentException.class,
        () -> C.binary(BinaryOp.MUL, f32(4), Shape.of(2, 2), f32(3), Shape.of(3), f32(6),
            Shape.of(2, 3)))
        .startsWith("binary(MUL) on the fake backend: shapes [2, 2] and [3] cannot be broadcast"));
  }

  @Test
  void lengthMismatchNamesExpectedAndActual() {
    assertEquals("unary(EXP) on the fake backend: out must have length 6 but has length 5",
        message(IllegalArgumentException.class, () -> C.unary(UnaryOp.EXP, f32(6), f32(5))));
    assertEquals("indexSelect on the fake backend: out ([outer, indices, inner] = [2, 4, 3]) must "
        + "have length 24 but has length 23", message(IllegalArgumentException.class,
            () -> C.indexSelect(f32(30), 2, 5, 3, i32(4), f32(23))));
    assertDoesNotThrow(() -> C.indexSelect(f32(30), 2, 5, 3, i32(4), f32(24)));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.matmul(f32(6), true, f32(12), false, f32(8), 2, 4, 4))
        .contains("a (stored [k, m] = [4, 2]) must have length 8 but has length 6"));
  }

  @Test
  void rangesSizesAndOverflow() {
    assertEquals("copy on the fake backend: source range [8, 13) is outside [0, 10)",
        message(IndexOutOfBoundsException.class, () -> C.copy(f32(10), 8, f32(10), 0, 5)));
    assertDoesNotThrow(() -> C.copy(f32(10), 10, f32(10), 0, 0)); // empty at the end is fine
    assertThrows(IndexOutOfBoundsException.class, () -> C.copy(f32(10), 0, f32(10), -1, 1));
    assertEquals("matmul on the fake backend: m must be >= 0 but is -2",
        message(IllegalArgumentException.class,
            () -> C.matmul(f32(0), false, f32(0), false, f32(0), -2, 1, 0)));
    assertEquals("reduce(SUM) on the fake backend: axis must be at least 1 but is 0",
        message(IllegalArgumentException.class,
            () -> C.reduce(ReduceOp.SUM, f32(0), 1, 0, 1, f32(1))));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.reduce(ReduceOp.SUM, f32(1), Integer.MAX_VALUE, Integer.MAX_VALUE, 4, f32(1)))
        .contains("too large for one buffer"));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.allocate(DType.FLOAT64, Long.MAX_VALUE / 2)).contains("too large"));
  }

  @Test
  void outputsMayBeInputsOnlyWhereThePrimitiveWorksInPlace() {
    DeviceBuffer m = f32(4);
    assertDoesNotThrow(() -> C.unary(UnaryOp.NEG, m, m));
    assertDoesNotThrow(() -> C.binary(BinaryOp.ADD, m, Shape.of(4), m, Shape.of(4), m,
        Shape.of(4)));
    assertDoesNotThrow(() -> C.scalar(BinaryOp.MUL, m, m));
    assertDoesNotThrow(() -> C.copy(m, 0, m, 1, 3));
    assertDoesNotThrow(() -> C.transpose(m, 1, 1, 4, m));
    assertDoesNotThrow(() -> C.sgdUpdate(m, m, null, f64(1)));
    assertEquals("matmul on the fake backend: out and a are the same buffer; this primitive "
        + "cannot work in place", message(IllegalArgumentException.class,
            () -> C.matmul(m, false, f32(4), false, m, 2, 2, 2)));
    assertTrue(message(IllegalArgumentException.class, () -> C.transpose(m, 1, 2, 2, m))
        .contains("out and x are the same buffer"));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.copyAxisRange(m, 2, 0, m, 2, 1, 2, 1, 1)).contains("dst and src"));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.reduce(ReduceOp.SUM, m, 4, 1, 1, m)).contains("out and x"));
    DeviceBuffer idx = i32(4);
    assertTrue(message(IllegalArgumentException.class,
        () -> C.indexSelect(i32(4), 1, 4, 1, idx, idx)).contains("out and indices"));
    assertTrue(message(IllegalArgumentException.class, () -> C.sgdUpdate(m, f32(4), m, f64(1)))
        .contains("velocity and param"));
    DeviceBuffer one = f64(1);
    assertTrue(message(IllegalArgumentException.class, () -> C.sgdUpdate(one, f64(1), null, one))
        .contains("lr and param are the same buffer"));
    assertTrue(message(IllegalArgumentException.class, () -> C.sgdUpdate(m, f32(4), null, f32(1)))
        .contains("lr is FLOAT32 but must be FLOAT64"));
  }

  @Test
  void buffersOfOtherBackendsClosedOrNullAreRejected() {
    assertEquals("fill on the fake backend: dst belongs to backend 'cpu' (FLOAT32[3]); copy it to "
        + "this backend first", message(IllegalArgumentException.class,
            () -> C.fill(new Fake(DType.FLOAT32, 3, "cpu"), 0)));
    DeviceBuffer closed = f32(2);
    closed.close();
    assertEquals("unary(NEG) on the fake backend: x (FLOAT32[2]) is closed",
        message(IllegalStateException.class, () -> C.unary(UnaryOp.NEG, closed, f32(2))));
    assertEquals("matmul on the fake backend: b is null", message(NullPointerException.class,
        () -> C.matmul(f32(0), false, null, false, f32(0), 0, 0, 0)));
    assertThrows(NullPointerException.class, () -> C.unary(null, f32(1), f32(1)));
    assertEquals("download on the fake backend: the destination array must have length 3 but has "
        + "length 2", message(IllegalArgumentException.class, () -> C.download(f32(3), 2)));
  }

  @Test
  void indicesAreInRange() {
    assertEquals(2, ArgumentChecks.index("fake", "oneHot", 2, 0, 3));
    assertEquals("indexSelect on the fake backend: index 7 at position 1 is out of range for "
        + "bound 3: valid indices are [0, 3)", message(IndexOutOfBoundsException.class,
            () -> ArgumentChecks.index("fake", "indexSelect", 7, 1, 3)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> ArgumentChecks.index("fake", "indexSelect", -1, 0, 3));
    assertThrows(IndexOutOfBoundsException.class,
        () -> ArgumentChecks.index("fake", "oneHot", Integer.MIN_VALUE, 0, 3));
  }

  @Test
  void indexOperandsMustBeInt32() {
    String use = " but index operands must be INT32; use Tensor.indices(...) or .to(DType.INT32)";
    assertEquals("indexSelect on the fake backend: indices is FLOAT32" + use,
        message(IllegalArgumentException.class,
            () -> C.indexSelect(f32(30), 2, 5, 3, f32(4), f32(24))));
    assertEquals("indexAdd on the fake backend: indices is FLOAT64" + use,
        message(IllegalArgumentException.class, () -> C.indexAdd(f32(3),
            new Fake(DType.FLOAT64, 3, "fake"), f32(3), 1, 3, 1)));
    assertEquals("oneHot on the fake backend: indices is FLOAT32" + use,
        message(IllegalArgumentException.class, () -> C.oneHot(f32(2), 3, f32(6))));
    assertEquals("reduce(ARGMAX) on the fake backend: out is FLOAT32" + use,
        message(IllegalArgumentException.class,
            () -> C.reduce(ReduceOp.ARGMAX, f32(6), 2, 3, 1, f32(2))));
    assertDoesNotThrow(() -> C.reduce(ReduceOp.ARGMAX, f32(6), 2, 3, 1, i32(2)));
    assertDoesNotThrow(() -> C.indexSelect(i32(30), 2, 5, 3, i32(4), i32(24))); // labels
  }

  @Test
  void arithmeticRejectsInt32AndFillsAreWhole() {
    assertEquals("unary(EXP) on the fake backend: x is INT32 but this primitive computes in "
        + "FLOAT32 or FLOAT64 only; convert it with .to(DType.FLOAT32)",
        message(IllegalArgumentException.class, () -> C.unary(UnaryOp.EXP, i32(2), i32(2))));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.matmul(i32(1), false, i32(1), false, i32(1), 1, 1, 1)).contains("a is INT32"));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.indexAdd(i32(3), i32(3), i32(3), 1, 3, 1)).contains("dst is INT32"));
    assertTrue(message(IllegalArgumentException.class,
        () -> C.oneHot(i32(2), 3, i32(6))).contains("out is INT32"));
    assertTrue(message(IllegalArgumentException.class, () -> C.fill(i32(2), 0.5))
        .contains("value 0.5 is not a whole number in INT32's range"));
    assertThrows(IllegalArgumentException.class, () -> C.fill(i32(2), Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> C.fill(i32(2), 3e9));
    assertDoesNotThrow(() -> C.fill(i32(2), -2147483648.0));
    assertDoesNotThrow(() -> C.fill(f32(2), 0.5));
    assertEquals("download on the fake backend: src is FLOAT32 but an int[] destination takes "
        + "INT32 only; convert it with .to(DType.INT32) first",
        message(IllegalArgumentException.class, () -> C.downloadInts(f32(2), 2)));
    assertTrue(message(IllegalArgumentException.class, () -> C.convert(f32(3), i32(2)))
        .contains("dst must have length 3 but has length 2"));
    assertDoesNotThrow(() -> C.convert(f32(3), i32(3)));
  }

  @Test
  void copyStridedChecksRankStridesReachAndAliasing() {
    long[] t = {1, 3};
    int[] shape = {3, 2};
    assertDoesNotThrow(() -> C.copyStrided(f32(6), 0, t, shape, f32(6)));
    assertDoesNotThrow(() -> C.copyStrided(i32(6), 0, t, shape, i32(6)));
    assertDoesNotThrow(() -> C.copyStrided(f32(1), 0, new long[] {0, 0}, shape, f32(6)));
    assertTrue(message(IllegalArgumentException.class, () -> C.copyStrided(f32(6), 0,
        new long[] {1}, shape, f32(6))).startsWith("copyStrided on the fake backend: shape [3, 2] "
        + "and srcStrides [1] must have one rank of at most 8"));
    assertTrue(message(IllegalArgumentException.class, () -> C.copyStrided(f32(6), 0,
        new long[] {-1, 3}, shape, f32(6))).contains("srcStrides[0] must be >= 0 but is -1"));
    assertTrue(message(IndexOutOfBoundsException.class, () -> C.copyStrided(f32(6), 1, t, shape,
        f32(6))).contains("source range [1, 7) is outside [0, 6)"));
    assertTrue(message(IllegalArgumentException.class, () -> C.copyStrided(f32(6), 0, t, shape,
        f32(5))).contains("dst (shape [3, 2]) must have length 6 but has length 5"));
    DeviceBuffer same = f32(6);
    assertTrue(message(IllegalArgumentException.class, () -> C.copyStrided(same, 0, t, shape,
        same)).contains("dst and src are the same buffer"));
    assertTrue(message(IllegalArgumentException.class, () -> C.copyStrided(f32(6), 0, t, shape,
        i32(6))).contains("src is FLOAT32 but dst is INT32"));
  }

  /**
   * adamUpdateAll and adamwUpdateAll: each entry as the single update checks it, named; one grad,
   * m and v per param; mixed dtypes and a grad two entries read are fine; no entry writes a buffer
   * another entry has.
   */
  @Test
  void adamBatchesCheckEveryEntryAndWhatEntriesShare() {
    DeviceBuffer rate = f64(1);
    DeviceBuffer sharedGrad = f32(3);
    assertDoesNotThrow(() -> C.adamUpdateAll(List.of(f32(3), f32(3), f64(2)),
        List.of(sharedGrad, sharedGrad, f64(2)), List.of(f32(3), f32(3), f64(2)),
        List.of(f32(3), f32(3), f64(2)), rate));
    assertDoesNotThrow(() -> C.adamwUpdateAll(List.of(), List.of(), List.of(), List.of(), f64(1),
        f64(1), f64(1)));
    assertEquals("adamUpdateAll on the fake backend: 2 params, 2 grads, 1 ms and 2 vs; give one "
        + "grad, m and v per param", message(IllegalArgumentException.class,
            () -> C.adamUpdateAll(List.of(f32(1), f32(1)), List.of(f32(1), f32(1)),
                List.of(f32(1)), List.of(f32(1), f32(1)), rate)));
    assertEquals("adamwUpdateAll entry 1 on the fake backend: v must have length 3 but has "
        + "length 2", message(IllegalArgumentException.class,
            () -> C.adamwUpdateAll(List.of(f32(2), f32(3)), List.of(f32(2), f32(3)),
                List.of(f32(2), f32(3)), List.of(f32(2), f32(2)), f64(1), f64(1), f64(1))));
    DeviceBuffer m = f32(2);
    assertEquals("adamUpdateAll on the fake backend: m 1 is also written by entry 0; give each "
        + "parameter once, with its own buffers", message(IllegalArgumentException.class,
            () -> C.adamUpdateAll(List.of(f32(2), f32(2)), List.of(f32(2), f32(2)),
                List.of(m, m), List.of(f32(2), f32(2)), rate)));
    DeviceBuffer p0 = f32(2);
    assertEquals("adamUpdateAll on the fake backend: grad 1 is the buffer entry 0 updates; each "
        + "entry's grad must be a buffer no entry writes", message(
            IllegalArgumentException.class, () -> C.adamUpdateAll(List.of(p0, f32(2)),
                List.of(f32(2), p0), List.of(f32(2), f32(2)), List.of(f32(2), f32(2)), rate)));
    DeviceBuffer one = f64(1);
    assertEquals("adamwUpdateAll entry 1 on the fake backend: step and v are the same buffer; "
        + "this primitive cannot work in place", message(IllegalArgumentException.class,
            () -> C.adamwUpdateAll(List.of(f64(1), f64(1)), List.of(f64(1), f64(1)),
                List.of(f64(1), f64(1)), List.of(f64(1), one), f64(1), f64(1), one)));
    assertTrue(message(NullPointerException.class, () -> C.adamUpdateAll(List.of(), List.of(),
        null, List.of(), rate)).contains("ms is null"));
    // no entries: the step scalars are still checked, as every backend checks them
    assertEquals("adamUpdateAll on the fake backend: lrT is FLOAT32 but must be FLOAT64 (one "
        + "element: the step's value, read when the update runs)",
        message(IllegalArgumentException.class, () -> C.adamUpdateAll(List.of(), List.of(),
            List.of(), List.of(), f32(1))));
  }
}
