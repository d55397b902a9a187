package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broadcast plan addresses exactly the elements NumPy broadcasting would: checked against a
 * naive index computation on many shape pairs, so the binary kernel's addressing is tested
 * without a GPU (the kernel computes offsets the same way as {@link BroadcastPlan#offsets}).
 */
class BroadcastPlanTest {
  /** The naive offsets of output element i in an input of shape x. */
  private static long naiveOffset(Shape x, Shape out, long i) {
    int[] idx = new int[out.rank()];
    long rem = i;
    for (int d = out.rank() - 1; d >= 0; d--) {
      idx[d] = (int) (rem % out.dim(d));
      rem /= out.dim(d);
    }
    long off = 0;
    int shift = out.rank() - x.rank();
    for (int d = 0; d < x.rank(); d++) {
      int c = x.dim(d) == 1 ? 0 : idx[d + shift];
      off = off * x.dim(d) + c;
    }
    return off;
  }

  private static void check(Shape a, Shape b) {
    Shape out = Shape.broadcast(a, b, "test");
    BroadcastPlan plan = BroadcastPlan.of(a, b, out, "binary(ADD)");
    for (long i = 0; i < out.size(); i++) {
      long[] got = plan.offsets(i);
      assertEquals(naiveOffset(a, out, i), got[0], () -> "a offset, " + a + " vs " + b);
      assertEquals(naiveOffset(b, out, i), got[1], () -> "b offset, " + a + " vs " + b);
    }
  }

  @Test
  void addressesMatchNaiveBroadcasting() {
    List<int[][]> cases = List.of(
        new int[][] {{2, 3, 4}, {2, 3, 4}},
        new int[][] {{2, 3, 4}, {4}},
        new int[][] {{2, 3, 4}, {3, 1}},
        new int[][] {{5, 1}, {1, 6}},
        new int[][] {{1}, {7, 3}},
        new int[][] {{}, {2, 2}},
        new int[][] {{100, 10}, {10}},
        new int[][] {{100, 10}, {100, 1}},
        new int[][] {{2, 1, 3, 1, 2}, {1, 4, 1, 5, 1}},
        new int[][] {{1, 1, 1}, {1}},
        new int[][] {{3, 1, 1, 2}, {3, 4, 5, 2}});
    for (int[][] c : cases) {
      check(Shape.of(c[0]), Shape.of(c[1]));
      check(Shape.of(c[1]), Shape.of(c[0]));
    }
  }

  @Test
  void mergesContiguousDimensions() {
    BroadcastPlan same = BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 3, 4), Shape.of(2, 3, 4), "t");
    assertTrue(same.isElementwise());
    assertArrayEquals(new long[] {24}, same.dims());
    BroadcastPlan bias = BroadcastPlan.of(Shape.of(100, 10), Shape.of(10), Shape.of(100, 10), "t");
    assertFalse(bias.isElementwise());
    assertArrayEquals(new long[] {100, 10}, bias.dims());
    assertArrayEquals(new long[] {10, 1}, bias.aStrides());
    assertArrayEquals(new long[] {0, 1}, bias.bStrides());
    BroadcastPlan scalar = BroadcastPlan.of(Shape.of(4, 5), Shape.scalar(), Shape.of(4, 5), "t");
    assertArrayEquals(new long[] {20}, scalar.dims());
    assertArrayEquals(new long[] {0}, scalar.bStrides());
  }

  @Test
  void manyDimensionsOfOneDoNotCount() {
    // rank 12 with mostly 1s: merged to a handful of dimensions the kernel accepts
    Shape a = Shape.of(1, 2, 1, 1, 3, 1, 1, 1, 1, 1, 1, 4);
    Shape b = Shape.of(2, 1, 1, 1, 1, 1, 1, 1, 1, 4);
    check(a, b);
  }

  @Test
  void tooManyUnmergeableDimensionsAreRejected() {
    Shape a = Shape.of(2, 1, 2, 1, 2, 1, 2, 1, 2, 1);
    Shape b = Shape.of(1, 2, 1, 2, 1, 2, 1, 2, 1, 2);
    Shape out = Shape.broadcast(a, b, "t");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BroadcastPlan.of(a, b, out, "binary(MUL)"));
    assertTrue(e.getMessage().contains("binary(MUL) on the cuda backend"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
  }

  @Test
  void aWrongOutputShapeIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BroadcastPlan.of(Shape.of(2, 3), Shape.of(3), Shape.of(3, 2), "binary(ADD)"));
    assertTrue(e.getMessage().contains("outShape [3, 2] is not the broadcast"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BroadcastPlan.of(Shape.of(2, 3), Shape.of(4), Shape.of(2, 3), "binary(ADD)"));
  }

  @Test
  void structIsRightAlignedLittleEndianLongs() {
    BroadcastPlan bias = BroadcastPlan.of(Shape.of(100, 10), Shape.of(10), Shape.of(100, 10), "t");
    ByteBuffer buf = ByteBuffer.wrap(bias.toStruct()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(BroadcastPlan.STRUCT_BYTES, buf.remaining());
    assertEquals(2, buf.getLong(0)); // rank
    long[] dims = new long[8];
    long[] as = new long[8];
    long[] bs = new long[8];
    for (int i = 0; i < 8; i++) {
      dims[i] = buf.getLong(8 + 8 * i);
      as[i] = buf.getLong(8 + 64 + 8 * i);
      bs[i] = buf.getLong(8 + 128 + 8 * i);
    }
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 100, 10}, dims);
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 10, 1}, as);
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1}, bs);
  }
}
