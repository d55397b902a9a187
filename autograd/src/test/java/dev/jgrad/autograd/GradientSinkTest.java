package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.autograd.ops.MatmulOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The backward pass's gradient sinks ({@link Tensor#backward(Map)}): offered only to a leaf used
 * once in the graph, by a rule that can give the gradient as a product (matmul, any transposes,
 * the weight on either side), after the other input's gradient; what the sink takes never reaches
 * {@code grad()}, and what it declines arrives there unchanged.
 */
class GradientSinkTest {
  /**
   * A sink that computes the product it is offered, and keeps it, or declines; given a leaf, it
   * then overwrites it with zeros, as an update changes it.
   */
  private static final class Recording implements GradientSink {
    final boolean accept;
    final Tensor overwrites;
    final List<Tensor> taken = new ArrayList<>();

    Recording(boolean accept) {
      this(accept, null);
    }

    Recording(boolean accept, Tensor overwrites) {
      this.accept = accept;
      this.overwrites = overwrites;
    }

    @Override
    public boolean acceptProduct(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
        int m, int n, int k) {
      if (!accept) {
        return false;
      }
      Backend backend = Backends.current();
      DeviceBuffer out = backend.allocate(a.dtype(), (long) m * n);
      backend.matmul(a, transA, b, transB, out, m, n, k);
      taken.add(Tensor.wrap(backend, out, Shape.of(m, n)));
      if (overwrites != null) {
        backend.fill(overwrites.buffer(), 0);
      }
      return true;
    }
  }

  private static Tensor param(Random r, int... shape) {
    return Tensor.randn(r, DType.FLOAT64, shape).requiresGrad(true);
  }

  @Test
  void aWeightUsedOnceGoesToItsSinkAfterTheOtherGradientWithEveryTranspose() {
    for (int flags = 0; flags < 4; flags++) {
      boolean ta = (flags & 1) != 0;
      boolean tb = (flags & 2) != 0;
      Random r = new Random(7 + flags);
      Tensor x = param(r, ta ? 4 : 3, ta ? 3 : 4); // op(x) is [3, 4]
      Tensor w = param(r, tb ? 5 : 4, tb ? 4 : 5); // op(w) is [4, 5]
      Tensor loss = MatmulOps.matmul(x, ta, w, tb).pow(2).sum();
      loss.backward(true);
      double[] wantW = w.grad().toDoubleArray();
      double[] wantX = x.grad().toDoubleArray();
      x.zeroGrad();
      w.zeroGrad();
      Recording sink = new Recording(true, w); // x's gradient must read w before the sink
      loss.backward(Map.of(w, sink));
      assertNull(w.grad(), "the sink took w's gradient (flags " + flags + ")");
      assertEquals(1, sink.taken.size());
      assertArrayEquals(w.shape().dims(), sink.taken.get(0).shape().dims());
      assertArrayEquals(wantW, sink.taken.get(0).toDoubleArray(), 1e-12, "flags " + flags);
      assertArrayEquals(wantX, x.grad().toDoubleArray(), 1e-12, "x's gradient as usual");
    }
  }

  @Test
  void theLeftOperandCanBeTheSinkToo() {
    Random r = new Random(11);
    Tensor w = param(r, 3, 4);
    Tensor x = Tensor.randn(r, DType.FLOAT64, 4, 2);
    Tensor loss = w.matmul(x).pow(2).sum();
    loss.backward(true);
    double[] want = w.grad().toDoubleArray();
    w.zeroGrad();
    Recording sink = new Recording(true);
    loss.backward(Map.of(w, sink));
    assertNull(w.grad());
    assertArrayEquals(want, sink.taken.get(0).toDoubleArray(), 1e-12);
  }

  @Test
  void aDeclinedGradientArrivesInGradAsUsual() {
    Random r = new Random(13);
    Tensor x = Tensor.randn(r, DType.FLOAT64, 3, 4);
    Tensor w = param(r, 4, 5);
    Tensor loss = x.matmul(w).pow(2).sum();
    loss.backward(true);
    double[] want = w.grad().toDoubleArray();
    w.zeroGrad();
    loss.backward(Map.of(w, new Recording(false)));
    assertNotNull(w.grad());
    assertArrayEquals(want, w.grad().toDoubleArray(), 0);
  }

  @Test
  void aWeightUsedTwiceOrThroughAViewIsNotOffered() {
    Random r = new Random(17);
    Tensor x = Tensor.randn(r, DType.FLOAT64, 3, 4);
    Tensor w = param(r, 4, 4);
    Recording twice = new Recording(true);
    x.matmul(w).matmul(w).sum().backward(Map.of(w, twice));
    assertEquals(0, twice.taken.size(), "two uses: no one rule has the whole gradient");
    assertNotNull(w.grad());
    Tensor v = param(r, 4, 4);
    Recording viewed = new Recording(true);
    x.matmul(v.transpose(0, 1)).sum().backward(Map.of(v, viewed));
    assertEquals(0, viewed.taken.size(), "used by the view, not by the product");
    assertNotNull(v.grad());
  }

  @Test
  void aLeafWithoutAProductRuleKeepsItsGradient() {
    Random r = new Random(19);
    Tensor b = param(r, 5);
    Recording sink = new Recording(true);
    Tensor.randn(r, DType.FLOAT64, 3, 5).add(b).pow(2).sum().backward(Map.of(b, sink));
    assertEquals(0, sink.taken.size());
    assertNotNull(b.grad());
  }
}
