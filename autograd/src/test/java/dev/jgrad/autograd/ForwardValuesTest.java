package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import org.junit.jupiter.api.Test;

/** Forward results of the fluent API against values worked out by hand. */
class ForwardValuesTest {
  private static Tensor m23() {
    return Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
  }

  @Test
  void broadcastingArithmetic() {
    Tensor row = Tensor.of(new double[] {10, 20, 30});
    Tensor col = Tensor.of(new double[] {1, 2}, 2, 1);
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, m23().add(row).toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 1, 2, 2, 3, 4}, m23().sub(col).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3, 8, 10, 12}, m23().mul(col).toDoubleArray(), 0);
    assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.4, 0.25, 0.2}, m23().div(row).toDoubleArray(),
        1e-15);
    assertArrayEquals(new double[] {-1, -2}, col.neg().toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 4}, col.pow(2).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, Math.sqrt(2)}, col.sqrt().toDoubleArray(), 0);
    assertArrayEquals(new double[] {Math.E, Math.exp(2)}, col.exp().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0, Math.log(2)}, col.log().toDoubleArray(), 1e-15);
  }

  @Test
  void matmulTransposeReshape() {
    Tensor b = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
    Tensor p = m23().matmul(b);
    assertEquals(Shape.of(2, 2), p.shape());
    assertArrayEquals(new double[] {4, 5, 10, 11}, p.toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, m23().transpose().toDoubleArray(), 0);
    assertEquals(Shape.of(3, 2), m23().reshape(-1, 2).shape());
  }

  @Test
  void reductionsAlongAxes() {
    assertEquals(21, m23().sum().item(), 0);
    assertArrayEquals(new double[] {5, 7, 9}, m23().sum(0, false).toDoubleArray(), 0);
    assertEquals(Shape.of(2, 1), m23().sum(1, true).shape());
    assertArrayEquals(new double[] {2, 5}, m23().mean(1, false).toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 6}, m23().max(-1, false).toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 2}, m23().argmax(1).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 1, 1}, m23().argmax(0).toDoubleArray(), 0);
    assertEquals(3.5, m23().mean().item(), 0);
  }

  @Test
  void gatherSliceConcatOneHot() {
    Tensor rows = m23().indexSelect(0, Tensor.indices(new int[] {1, 1, 0}));
    assertArrayEquals(new double[] {4, 5, 6, 4, 5, 6, 1, 2, 3}, rows.toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 3, 5, 6}, m23().slice(1, 1, 2).toDoubleArray(), 0);
    Tensor c = Tensor.concat(1, m23(), Tensor.of(new double[] {7, 8}, 2, 1));
    assertArrayEquals(new double[] {1, 2, 3, 7, 4, 5, 6, 8}, c.toDoubleArray(), 0);
    assertArrayEquals(new double[] {0, 1, 0, 1, 0, 0},
        Tensor.indices(new int[] {1, 0}).oneHot(3, DType.FLOAT64).toDoubleArray(), 0);
  }

  @Test
  void activations() {
    Tensor x = Tensor.of(new double[] {-2, 0.5});
    assertArrayEquals(new double[] {0, 0.5}, x.relu().toDoubleArray(), 0);
    assertArrayEquals(new double[] {-0.2, 0.5}, x.leakyRelu(0.1).toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-0.5))},
        x.sigmoid().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {Math.tanh(-2), Math.tanh(0.5)}, x.tanh().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {-2, 0.5}, x.identity().toDoubleArray(), 0);
  }

  @Test
  void float32AndFloat64AgreeOnAPerceptronLayer() {
    double[] xs = {0.3, -1.2, 2.5, 0.7, 0.1, -0.4};
    double[] ws = {0.5, -0.25, 1.5, 0.75, -1, 0.2};
    Tensor f64 = Tensor.of(xs, 2, 3).matmul(Tensor.of(ws, 3, 2)).sigmoid();
    Tensor f32 = Tensor.of(xs, DType.FLOAT32, 2, 3).matmul(Tensor.of(ws, DType.FLOAT32, 3, 2))
        .sigmoid();
    assertEquals(DType.FLOAT32, f32.dtype());
    double[] a = f64.toDoubleArray();
    double[] b = f32.toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-6);
    }
  }

  @Test
  void toStringShowsEachValueAsItsDtypeHoldsIt() {
    assertEquals("Tensor(FLOAT32[2], [0.1, -2.5])", Tensor.of(new float[] {0.1f, -2.5f}, 2)
        .toString());
    assertEquals("Tensor(FLOAT64[1], [0.1])", Tensor.of(new double[] {0.1}, DType.FLOAT64, 1)
        .toString());
    assertEquals("Tensor(INT32[2], [7, -1])", Tensor.indices(new int[] {7, -1}).toString());
  }
}
