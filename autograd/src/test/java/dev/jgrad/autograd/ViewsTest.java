package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Zero-copy views: shared buffers, values against reference loops, gradients, versions, memory. */
class ViewsTest {
  /** 0, 1, 2, ... in {@code shape}, FLOAT64, so every value names its position. */
  private static Tensor iota(int... shape) {
    double[] d = new double[Shape.of(shape).intSize()];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    return Tensor.of(d, shape);
  }

  @Test
  void everyViewSharesTheBufferAndAllocatesNothing() {
    List<DeviceBuffer> allocated = new ArrayList<>();
    Backend backend = recording(allocated);
    Tensor x = iota(2, 3, 4).to(backend);
    Tensor row = iota(1, 4).to(backend);
    allocated.clear();
    List<Function<Tensor, Tensor>> views = List.of(
        t -> t.permute(2, 0, 1), t -> t.transpose(), t -> t.transpose(0, 2),
        t -> t.slice(1, 0, 3, 2), t -> t.slice(0, 1, 1), t -> t.unsqueeze(1),
        t -> t.reshape(6, 4), t -> t.permute(1, 0, 2).slice(2, 1, 4, 2).transpose(0, 1));
    for (Function<Tensor, Tensor> view : views) {
      Tensor v = view.apply(x);
      assertSame(x.storage(), v.storage());
      assertEquals(x.version(), v.version());
    }
    assertSame(row.storage(), row.expand(5, -1).storage());
    assertSame(row.storage(), row.squeeze(0).storage());
    assertSame(row.storage(), row.broadcastTo(3, 2, 4).storage());
    assertTrue(allocated.isEmpty(), "views allocated " + allocated.size() + " buffer(s)");
  }

  @Test
  void contiguousValuesMatchReferenceLoops() {
    Tensor x = iota(2, 3, 4); // x[i][j][k] = 12 i + 4 j + k
    double[] permuted = x.permute(2, 0, 1).contiguous().toDoubleArray(); // [4, 2, 3]
    double[] sliced = x.slice(2, 1, 4, 2).contiguous().toDoubleArray(); // [2, 3, 2]: k = 1, 3
    double[] expanded = x.slice(1, 2, 1).expand(2, 2, 5, 4).contiguous().toDoubleArray();
    int p = 0;
    for (int k = 0; k < 4; k++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(12 * i + 4 * j + k, permuted[p++], "permute at " + p);
        }
      }
    }
    p = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 1; k < 4; k += 2) {
          assertEquals(12 * i + 4 * j + k, sliced[p++], "slice at " + p);
        }
      }
    }
    p = 0;
    for (int e = 0; e < 2; e++) {
      for (int i = 0; i < 2; i++) {
        for (int r = 0; r < 5; r++) {
          for (int k = 0; k < 4; k++) {
            assertEquals(12 * i + 8 + k, expanded[p++], "expand at " + p);
          }
        }
      }
    }
    // squeeze / unsqueeze chain over a permuted view, read without contiguous() too
    Tensor chain = x.permute(1, 2, 0).unsqueeze(1).slice(3, 1, 1).squeeze(3).squeeze(1);
    assertEquals(Shape.of(3, 4), chain.shape());
    double[] want = new double[12];
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < 4; k++) {
        want[4 * j + k] = 12 + 4 * j + k;
      }
    }
    assertArrayEquals(want, chain.toDoubleArray(), 0);
    assertArrayEquals(want, chain.contiguous().toDoubleArray(), 0);
    assertEquals(12 + 4 * 2 + 3, chain.item(2, 3));
  }

  @Test
  void viewsOfViewsCompose() {
    Tensor x = iota(4, 6);
    Tensor v = x.transpose().slice(0, 1, 6, 2).slice(1, 3, 1).transpose(); // x[3, 1:6:2]
    assertSame(x.storage(), v.storage());
    assertArrayEquals(new double[] {19, 21, 23}, v.toDoubleArray(), 0);
    Tensor w = x.slice(0, 0, 4, 3).slice(1, 1, 6, 4); // rows 0, 3; columns 1, 5
    assertArrayEquals(new double[] {1, 5, 19, 23}, w.contiguous().toDoubleArray(), 0);
  }

  @Test
  void reshapeSharesARowMajorViewAndCopiesAPermutedOne() {
    Tensor x = iota(4, 6);
    Tensor rows = x.slice(0, 1, 2); // rows 1 and 2: in order, from an offset
    assertFalse(rows.isContiguous(), "part of a larger buffer");
    Tensor flat = rows.reshape(-1);
    assertSame(x.storage(), flat.storage());
    assertArrayEquals(iota(24).slice(0, 6, 12).toDoubleArray(), flat.toDoubleArray(), 0);
    Tensor t = x.transpose();
    Tensor copied = t.reshape(-1);
    assertNotSame(x.storage(), copied.storage());
    assertTrue(copied.isContiguous());
    assertArrayEquals(t.contiguous().toDoubleArray(), copied.toDoubleArray(), 0);
    assertSame(x.storage(), x.reshape(6, 4).storage(), "a dense tensor reshapes in place");
    Tensor every = x.slice(1, 0, 6, 2).reshape(2, 2, 3); // split the rows of a stepped slice
    assertSame(x.storage(), every.storage());
    assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22},
        every.toDoubleArray(), 0);
    Tensor grown = x.slice(0, 1, 1).transpose().expand(6, 3).reshape(2, 3, 3);
    assertSame(x.storage(), grown.storage(), "an expanded axis splits in two");
    assertArrayEquals(x.slice(0, 1, 1).transpose().expand(6, 3).contiguous().toDoubleArray(),
        grown.toDoubleArray(), 0);
  }

  @Test
  void reshapesOfRandomViewsReadTheSameValuesAsReshapesOfTheirCopies() {
    Random random = new Random(17);
    int views = 0;
    for (int trial = 0; trial < 300; trial++) {
      int[] dims = new int[1 + random.nextInt(4)];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = 1 + random.nextInt(4);
      }
      Tensor x = iota(dims);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < dims.length; i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, random);
      Tensor v = x.permute(order.stream().mapToInt(Integer::intValue).toArray());
      int axis = random.nextInt(v.rank());
      int size = v.shape().dim(axis);
      int start = random.nextInt(size);
      v = v.slice(axis, start, size, 1 + random.nextInt(2));
      if (random.nextBoolean()) {
        int at = random.nextInt(v.rank() + 1);
        int[] to = new int[v.rank() + 1];
        java.util.Arrays.fill(to, -1);
        to[at] = 1 + random.nextInt(3);
        v = v.unsqueeze(at).expand(to);
      }
      List<Integer> target = new ArrayList<>();
      long left = v.size();
      while (left > 1 || target.isEmpty()) {
        long d = 1 + random.nextInt((int) Math.min(left, 6));
        if (left % d == 0) {
          target.add((int) d);
          left /= d;
        }
      }
      int[] t = target.stream().mapToInt(Integer::intValue).toArray();
      Tensor reshaped = v.reshape(t);
      views += reshaped.storage() == x.storage() ? 1 : 0;
      assertArrayEquals(v.contiguous().reshape(t).toDoubleArray(), reshaped.toDoubleArray(), 0,
          v.shape() + " " + v.layout() + " as " + java.util.Arrays.toString(t));
    }
    assertTrue(views > 50, "only " + views + " of 300 reshapes were views");
  }

  @Test
  void anInPlaceChangeOfTheBaseShowsThroughItsViews() {
    Tensor base = iota(2, 3);
    Tensor view = base.transpose();
    base.assign(iota(2, 3).mul(10));
    assertArrayEquals(new double[] {0, 30, 10, 40, 20, 50}, view.toDoubleArray(), 0);
    assertEquals(1, view.version(), "a view counts its base's in-place changes");
  }

  @Test
  void backwardThroughAViewOfAParameterChangedSinceFailsClearly() {
    Tensor w = iota(2, 3).requiresGrad(true);
    Tensor v = w.permute(1, 0);
    Tensor loss = v.mul(v).sum(); // mul's gradient reads v
    w.assign(Tensor.zeros(DType.FLOAT64, 2, 3));
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("changed in place"), e.getMessage());
  }

  @Test
  void gradientsReachTheViewedTensorDense() {
    Tensor w = iota(2, 3).requiresGrad(true);
    Tensor c = iota(3, 2).add(1);
    w.permute(1, 0).mul(c).sum().backward(); // d/dw[i][j] = c[j][i]
    assertTrue(w.grad().isContiguous(), "gradients are stored dense");
    assertArrayEquals(c.transpose().contiguous().toDoubleArray(), w.grad().toDoubleArray(), 0);
    Tensor u = iota(5).requiresGrad(true);
    u.slice(0, 0, 5, 2).sum().backward(); // entries 0, 2, 4
    assertArrayEquals(new double[] {1, 0, 1, 0, 1}, u.grad().toDoubleArray(), 0);
  }

  @Test
  void aScopeClosesMaterializedCopiesAndOutputsButNeverTheBase() {
    List<DeviceBuffer> allocated = new ArrayList<>();
    Backend backend = recording(allocated);
    Tensor base = iota(3, 4).to(backend);
    Tensor out;
    try (TensorScope scope = TensorScope.open()) {
      allocated.clear();
      out = base.transpose().mul(2);
      assertEquals(2, allocated.size(), "one dense copy of the view, one output");
      assertTrue(allocated.get(0).isClosed(), "the copy is closed once the kernel ran");
      assertFalse(out.buffer().isClosed());
      Tensor view = base.slice(1, 1, 2);
      view.add(1);
    }
    assertTrue(out.buffer().isClosed());
    assertFalse(base.buffer().isClosed(), "a view's base is not the scope's");
    assertArrayEquals(iota(3, 4).toDoubleArray(), base.toDoubleArray(), 0);
  }

  @Test
  void aPluginViewOpComposesWithTheBuiltInViews() {
    String name = "test::diagonal"; // the diagonal of a square matrix: stride row + column
    if (!OpRegistry.global().isDefined(name)) {
      OpRegistry.global().register("ViewsTest", r -> {
        r.define(OpDef.builder(name).arity(1).shapeRule((in, a) -> new TensorSpec(
            Shape.of(in.get(0).shape().dim(0)), in.get(0).dtype())).gradientReadsNothing()
            .build());
        r.kernel(name, OpRegistry.ANY_BACKEND, (ViewKernel) (in, inShape, outShape, a) ->
            StridedLayout.of(in.offset(), in.stride(0) + in.stride(1)));
        r.gradient(name, (GradientRule<Tensor>) ctx -> {
          int n = ctx.input(0).shape().dim(0);
          return List.of(ctx.gradOutput().unsqueeze(1).expand(n, n).mul(identity(n)));
        });
      });
    }
    Tensor x = iota(4, 5).requiresGrad(true);
    Tensor d = Ops.call(name, x.slice(1, 1, 4).transpose()); // x[k][k + 1]
    assertSame(x.storage(), d.storage());
    assertArrayEquals(new double[] {1, 7, 13, 19}, d.toDoubleArray(), 0);
    d.mul(iota(4)).sum().backward();
    double[] want = new double[20];
    for (int j = 0; j < 4; j++) {
      want[5 * j + j + 1] = j;
    }
    assertArrayEquals(want, x.grad().toDoubleArray(), 0);
  }

  private static Tensor identity(int n) {
    double[] d = new double[n * n];
    for (int i = 0; i < n; i++) {
      d[i * n + i] = 1;
    }
    return Tensor.of(d, n, n);
  }

  @Test
  void int32ViewsKeepTheirValues() {
    Tensor idx = Tensor.indices(new int[] {0, 1, 2, 3, 4, 5}).reshape(2, 3);
    assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, idx.transpose().toIntArray());
    assertArrayEquals(new int[] {1, 4}, idx.slice(1, 1, 2, 5).contiguous().reshape(-1)
        .toIntArray());
    assertArrayEquals(new int[] {3, 4, 5, 3, 4, 5}, idx.slice(0, 1, 1).expand(2, 3).toIntArray());
    assertEquals(DType.INT32, idx.permute(1, 0).unsqueeze(0).dtype());
  }

  @Test
  void bufferOfANonContiguousViewThrowsClearly() {
    Tensor v = iota(2, 3).transpose();
    IllegalStateException e = assertThrows(IllegalStateException.class, v::buffer);
    assertTrue(e.getMessage().contains("non-contiguous view")
        && e.getMessage().contains("call contiguous() first"), e.getMessage());
    assertEquals(6, v.contiguous().buffer().length());
    IllegalStateException write = assertThrows(IllegalStateException.class,
        () -> v.assign(iota(3, 2)));
    assertTrue(write.getMessage().startsWith("assign: the target"), write.getMessage());
  }

  @Test
  void badArgumentsNameTheOpTheShapeAndTheArgument() {
    Tensor x = iota(2, 3);
    expectOneLine(() -> x.permute(0, 0), "jgrad::permute", "[0, 0]", "[2, 3]");
    expectOneLine(() -> x.permute(1), "jgrad::permute", "[1]", "[2, 3]");
    expectOneLine(() -> x.slice(1, 0, 3, 0), "jgrad::slice", "step", "0", "[2, 3]");
    expectOneLine(() -> x.slice(1, 0, 3, -1), "jgrad::slice", "step", "-1", "[2, 3]");
    expectOneLine(() -> x.slice(1, 0, 4, 2), "jgrad::slice", "[0, 4)", "[2, 3]");
    expectOneLine(() -> x.expand(4, 3), "jgrad::broadcast_to", "[2, 3]", "[4, 3]");
    expectOneLine(() -> x.squeeze(1), "jgrad::squeeze", "axis 1", "[2, 3]", "size 3");
    expectOneLine(() -> x.unsqueeze(4), "jgrad::unsqueeze", "axis 4", "[2, 3]");
    expectOneLine(() -> x.expand(-1, 2, 3), "jgrad::broadcast_to", "[-1, 2, 3]", "[2, 3]");
    expectOneLine(() -> x.transpose(0, 2), "jgrad::permute", "transpose(0, 2)", "[2, 3]");
  }

  private static void expectOneLine(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
    }
  }

  /** A CPU backend (portable kernels) that adds every buffer it allocates to {@code into}. */
  private static Backend recording(List<DeviceBuffer> into) {
    return TestBackends.renamedCpu("recording", method -> { }, (method, result) -> {
      if (method.equals("allocate")) {
        into.add((DeviceBuffer) result);
      }
    });
  }
}
