package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/** Indices are INT32 end to end: exact beyond 2^24, and a float index is an error, not a guess. */
class IndexDtypeTest {
  @Test
  void anIndexBeyondTwoToThe24SelectsExactlyItsRow() {
    int n = 16_777_218; // row 16777217 has no FLOAT32 index: it would round to 16777216
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    Tensor column = Tensor.of(values, n, 1);
    Tensor picked = column.indexSelect(0, Tensor.indices(new int[] {16_777_217, 3}));
    assertArrayEquals(new double[] {16_777_217, 3}, picked.toDoubleArray(), 0);
  }

  @Test
  void int32TensorsCompareExactlyIntoFloat32ForAccuracy() {
    Tensor scores = Tensor.of(new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f}, 3, 2);
    Tensor labels = Tensor.indices(new int[] {1, 1, 1});
    Tensor hits = scores.argmax(1).eq(labels);
    assertEquals(DType.FLOAT32, hits.dtype());
    assertArrayEquals(new double[] {1, 0, 1}, hits.toDoubleArray(), 0);
    assertEquals(2.0 / 3, hits.mean().item(), 1e-7);
    // 2^24 + 1 and 2^24 are one float apart from nothing: compared as ints, they differ
    assertArrayEquals(new double[] {0, 1}, Tensor.indices(new int[] {16_777_217, -5})
        .eq(Tensor.indices(new int[] {16_777_216, -5})).toDoubleArray(), 0);
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> labels.eq(Tensor.of(new float[] {1, 1, 1}))).getMessage().contains("INT32"));
  }

  @Test
  void floatIndicesAreRejectedNamingTheOpAndWhatToDo() {
    Tensor m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    Tensor floatIndices = Tensor.of(new float[] {1, 0});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.indexSelect(0, floatIndices));
    assertEquals("jgrad::index_select: input 1 (indices) is FLOAT32[2] but must be INT32; use "
        + "Tensor.indices(...) or .to(DType.INT32)", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> floatIndices.oneHot(3))
        .getMessage().startsWith("jgrad::one_hot: input 0 (indices) is FLOAT32[2]"));
    IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropyLabels(m, floatIndices));
    assertEquals("softmaxCrossEntropyLabels: labels are FLOAT32[2] but must be INT32; make them "
        + "with Tensor.indices(...) or convert them with .to(DType.INT32)", loss.getMessage());
    Tensor ints = Tensor.indices(new int[] {1, 2});
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ints.add(ints)).getMessage()
        .contains("jgrad::add: input 0 is INT32[2], which this op cannot compute on"));
  }

  @Test
  void argmaxIsInt32AndOneHotTakesTheDtypeAsked() {
    Tensor x = Tensor.of(new double[] {1, 5, 2, 7, 0, 7}, 2, 3);
    Tensor a = x.argmax(1);
    assertEquals(DType.INT32, a.dtype());
    assertArrayEquals(new int[] {1, 0}, a.toIntArray());
    assertEquals(DType.FLOAT32, a.oneHot(3).dtype());
    assertEquals(DType.FLOAT64, a.oneHot(3, DType.FLOAT64).dtype());
    assertArrayEquals(new double[] {0, 1, 0, 1, 0, 0}, a.oneHot(3, DType.FLOAT64).toDoubleArray(),
        0);
  }

  @Test
  void conversionsCastAsJavaDoes() {
    Tensor f = Tensor.of(new double[] {2.7, -2.7, Double.NaN, 1e10, -1e10, 16_777_217});
    assertArrayEquals(new int[] {2, -2, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 16_777_217},
        f.to(DType.INT32).toIntArray());
    Tensor i = Tensor.indices(new int[] {16_777_217, -5});
    assertArrayEquals(new double[] {16_777_217, -5}, i.to(DType.FLOAT64).toDoubleArray(), 0);
    assertArrayEquals(new float[] {16_777_216f, -5f}, i.to(DType.FLOAT32).toFloatArray(), 0);
    assertArrayEquals(new int[] {16_777_217, -5}, i.to(DType.FLOAT64).to(DType.INT32)
        .toIntArray());
    assertTrue(assertThrows(IllegalStateException.class, f::toIntArray).getMessage()
        .contains("to(DType.INT32)"));
  }

  @Test
  void floatFactoriesRefuseInt32InsteadOfMakingFloats() {
    // before: Tensor.of(double[], INT32) and randn(..., INT32) quietly made FLOAT32 tensors
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of(new double[] {1, 2}, DType.INT32, 2));
    assertEquals("a tensor of doubles cannot be INT32; use Tensor.indices(int[]) for INT32 "
        + "indices, or .to(DType.INT32) to convert", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.randn(new java.util.Random(0), DType.INT32, 2));
  }
}
