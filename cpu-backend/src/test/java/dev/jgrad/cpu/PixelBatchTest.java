package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch of UINT8 pixels as a data set's gather makes it: rows gathered, converted to FLOAT32,
 * divided by 255, bit for bit Java's {@code (b & 0xFF) / 255f}; and FLOAT32 divisions by a scalar
 * long enough for the native helper, specials and in place included, bit for bit Java's. The
 * build runs this class with the native helper and without it (pom.xml).
 */
class PixelBatchTest {
  private final CpuBackend backend = new CpuBackend();

  @Test
  void gatheredPixelsAreJavasQuotients() {
    int rows = 300;
    int cols = 784;
    byte[] grey = new byte[rows * cols];
    new Random(5).nextBytes(grey); // every level 0..255
    int[] picked = {299, 0, 17, 17, 150, 3};
    try (DeviceBuffer levels = backend.upload(grey);
        DeviceBuffer indices = backend.upload(picked);
        DeviceBuffer batch = backend.allocate(DType.UINT8, (long) picked.length * cols);
        DeviceBuffer pixels = backend.allocate(DType.FLOAT32, (long) picked.length * cols)) {
      backend.indexSelect(levels, 1, rows, cols, indices, batch);
      backend.convert(batch, pixels);
      backend.scalar(BinaryOp.DIV, pixels, 255, pixels);
      float[] got = new float[picked.length * cols];
      backend.download(pixels, got);
      for (int i = 0; i < picked.length; i++) {
        for (int c = 0; c < cols; c++) {
          float want = (grey[picked[i] * cols + c] & 0xFF) / 255f;
          assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i * cols + c]),
              "row " + i + " column " + c);
        }
      }
    }
  }

  @Test
  void longDivisionsByAScalarAreJavas() {
    Random r = new Random(9);
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MAX_VALUE};
    for (double s : new double[] {255, 3, 0, -0.0, Double.NaN, 1e-40, 1e300}) {
      float[] a = new float[10_000];
      for (int i = 0; i < a.length; i++) {
        a[i] = i % 7 == 0 ? specials[r.nextInt(specials.length)] : (float) r.nextGaussian();
      }
      float[] got = new float[a.length];
      float[] inPlace = new float[a.length];
      try (DeviceBuffer x = backend.upload(a);
          DeviceBuffer out = backend.allocate(DType.FLOAT32, a.length);
          DeviceBuffer same = backend.upload(a)) {
        backend.scalar(BinaryOp.DIV, x, s, out);
        backend.scalar(BinaryOp.DIV, same, s, same);
        backend.download(out, got);
        backend.download(same, inPlace);
      }
      for (int i = 0; i < a.length; i++) {
        int want = Float.floatToRawIntBits(a[i] / (float) s);
        assertEquals(want, Float.floatToRawIntBits(got[i]), a[i] + " / " + s);
        assertEquals(want, Float.floatToRawIntBits(inPlace[i]), "in place: " + a[i] + " / " + s);
      }
    }
  }
}
