package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import org.junit.jupiter.api.Test;

/**
 * UINT8 tensors (stored pixels) through the op layer: moved, sliced, gathered, converted and
 * transferred between backends as unsigned bytes; arithmetic on them is an error that says to
 * convert first.
 */
class Uint8TensorTest {
  private static final byte[] LEVELS = {0, 1, (byte) 127, (byte) 128, (byte) 200, (byte) 255};

  @Test
  void bytesAreUnsignedThroughTheMovingOps() {
    Tensor grey = Tensor.ofBytes(LEVELS, 3, 2);
    assertEquals(DType.UINT8, grey.dtype());
    assertArrayEquals(new float[] {0, 1, 127, 128, 200, 255}, grey.toFloatArray());
    Tensor rows = grey.indexSelect(0, Tensor.indices(new int[] {2, 0, 2}));
    assertEquals(DType.UINT8, rows.dtype());
    assertArrayEquals(new float[] {200, 255, 0, 1, 200, 255}, rows.toFloatArray());
    assertArrayEquals(new float[] {1, 128, 255}, grey.transpose(0, 1).contiguous()
        .slice(0, 1, 1).toFloatArray());
    assertArrayEquals(new int[] {0, 1, 127, 128, 200, 255}, grey.to(DType.INT32).toIntArray());
    assertArrayEquals(new double[] {0, 1, 127, 128, 200, 255},
        grey.to(DType.FLOAT64).toDoubleArray(), 0);
    // back to UINT8: Java's (int) cast, then its low 8 bits
    Tensor f = Tensor.of(new float[] {2.7f, -1f, 256f, 300.5f});
    assertArrayEquals(new float[] {2, 255, 0, 44}, f.to(DType.UINT8).toFloatArray());
  }

  @Test
  void aTransferToAnotherBackendKeepsEveryByte() {
    byte[] all = new byte[256];
    float[] want = new float[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
      want[i] = i;
    }
    Backend other = TestBackends.renamedCpu("other");
    Tensor moved = Tensor.ofBytes(all, 16, 16).to(other);
    assertEquals(DType.UINT8, moved.dtype());
    assertSame(other, moved.backend());
    assertArrayEquals(want, moved.toFloatArray());
  }

  @Test
  void arithmeticOnBytesSaysToConvertFirst() {
    Tensor grey = Tensor.ofBytes(LEVELS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> grey.mul(2.0));
    assertEquals("jgrad::mul_scalar: input 0 is UINT8[6], which this op cannot compute on; "
        + "convert it with .to(DType.FLOAT32), which keeps the levels 0-255 (a Dataset's images as"
        + " pixel values, as the model trained on them: Dataset.modelInputs())", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.ofBytes(LEVELS, 4));
  }
}
