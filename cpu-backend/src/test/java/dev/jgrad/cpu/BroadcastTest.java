package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.assertClose;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class BroadcastTest {
  /** Pairs of input shapes: the fast paths, the general path, and both above the thread limit. */
  private static final Shape[][] SHAPES = {
      {Shape.of(2, 3), Shape.of(2, 3)},
      {Shape.of(2, 3), Shape.of(3)},
      {Shape.of(3), Shape.of(2, 3)},
      {Shape.of(2, 3), Shape.of(2, 1)},
      {Shape.of(2, 1), Shape.of(2, 3)},
      {Shape.of(2, 1), Shape.of(1, 3)},
      {Shape.of(2, 3), Shape.scalar()},
      {Shape.scalar(), Shape.of(2, 3)},
      {Shape.of(2, 3), Shape.of(1)},
      {Shape.of(1, 1), Shape.of(2, 3)},
      {Shape.scalar(), Shape.scalar()},
      {Shape.of(2, 3, 4), Shape.of(2, 1, 4)},
      {Shape.of(2, 1, 4), Shape.of(2, 3, 4)},
      {Shape.of(4, 1, 5), Shape.of(3, 1)},
      {Shape.of(2, 3, 4, 5), Shape.of(3, 1, 5)},
      {Shape.of(0, 3), Shape.of(3)},
      {Shape.of(300, 701), Shape.of(701)},
      {Shape.of(300, 701), Shape.of(300, 1)},
      {Shape.of(1, 701), Shape.of(300, 1)},
      {Shape.of(800, 701), Shape.of(701)}, // above the threading threshold from here on
      {Shape.of(800, 701), Shape.of(800, 1)},
      {Shape.of(800, 701), Shape.of(800, 701)},
      {Shape.of(40, 30, 71), Shape.of(40, 1, 71)},
  };

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (DType d : DType.values()) {
      for (BinaryOp op : BinaryOp.values()) {
        for (Shape[] s : SHAPES) {
          out.add(Arguments.of(d, op, s[0], s[1]));
        }
      }
    }
    return out.stream();
  }

  /** The textbook definition: for each output index, the input index with broadcast dims at 0. */
  static double[] reference(BinaryOp op, double[] a, Shape as, double[] b, Shape bs, Shape os) {
    int[] od = os.dims();
    double[] out = new double[os.intSize()];
    int[] idx = new int[od.length];
    for (int flat = 0; flat < out.length; flat++) {
      int rem = flat;
      for (int d = od.length - 1; d >= 0; d--) {
        idx[d] = rem % od[d];
        rem /= od[d];
      }
      out[flat] = ElementwiseTest.reference(op, a[offset(as, idx)], b[offset(bs, idx)]);
    }
    return out;
  }

  private static int offset(Shape s, int[] outIdx) {
    int[] d = s.dims();
    int off = 0;
    for (int i = 0; i < d.length; i++) {
      int j = outIdx[outIdx.length - d.length + i];
      off = off * d[i] + (d[i] == 1 ? 0 : j);
    }
    return off;
  }

  @ParameterizedTest(name = "{0} {1} {2} op {3}")
  @MethodSource("cases")
  void binaryMatchesReference(DType dtype, BinaryOp op, Shape as, Shape bs) {
    Shape os = Shape.broadcast(as, bs, "test");
    double[] a = random(as.size() + 11, as.intSize());
    double[] b = random(bs.size() + 7, bs.intSize());
    if (op == BinaryOp.POW) {
      for (int i = 0; i < a.length; i++) {
        a[i] = Math.abs(a[i]) + 0.1; // a real-valued power needs a positive base
      }
    }
    if (a.length > 0 && b.length > 0) {
      b[0] = a[0]; // an equal pair, for EQUAL and the ties of MAXIMUM / MINIMUM / GREATER
    }
    DeviceBuffer out = CPU.allocate(dtype, os.size());
    CPU.binary(op, buffer(dtype, a), as, buffer(dtype, b), bs, out, os);
    double[] expected = reference(op, Fixture.stored(dtype, a), as, Fixture.stored(dtype, b), bs,
        os);
    assertClose(dtype, expected, read(out));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void binaryInPlaceOverTheFullInput(DType dtype) {
    Shape as = Shape.of(400, 333);
    double[] a = random(1, as.intSize());
    double[] b = random(2, 333);
    DeviceBuffer buf = buffer(dtype, a);
    CPU.binary(BinaryOp.SUB, buf, as, buffer(dtype, b), Shape.of(333), buf, as);
    assertClose(dtype, reference(BinaryOp.SUB, a, as, b, Shape.of(333), as), read(buf));
  }

  @Test
  void theLargeCasesReallyTakeTheThreadedPath() {
    org.junit.jupiter.api.Assertions.assertTrue(800 * 701 >= Elementwise.CHEAP_THRESHOLD,
        "raise the [800, 701] cases above the threshold " + Elementwise.CHEAP_THRESHOLD);
  }

  @Test
  void commonPatternsCollapseToFewDimensions() {
    assertEquals(1, BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 3, 4), Shape.of(2, 3, 4))
        .collapsedRank(), "same shape is one run");
    assertEquals(1, BroadcastPlan.of(Shape.of(5, 6), Shape.scalar(), Shape.of(5, 6))
        .collapsedRank(), "a scalar is one run");
    assertEquals(2, BroadcastPlan.of(Shape.of(5, 6), Shape.of(6), Shape.of(5, 6))
        .collapsedRank(), "[m,n] op [n]");
    assertEquals(2, BroadcastPlan.of(Shape.of(5, 6), Shape.of(5, 1), Shape.of(5, 6))
        .collapsedRank(), "[m,n] op [m,1]");
    assertEquals(2, BroadcastPlan.of(Shape.of(4, 5, 6), Shape.of(6), Shape.of(4, 5, 6))
        .collapsedRank(), "leading dims of [a,b,n] op [n] merge");
    assertEquals(3, BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 1, 4), Shape.of(2, 3, 4))
        .collapsedRank(), "middle broadcast keeps three dims");
  }
}
