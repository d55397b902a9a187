package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.HostBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** upload/download, fill, copy, copyAxisRange and transpose. */
class DataMovementTest {
  @Test
  void uploadCopiesAndDownloadConvertsBothWays() {
    float[] f = {1.5f, -2.25f, 3e-8f};
    DeviceBuffer fb = CPU.upload(f);
    f[0] = 99; // the buffer holds a copy
    assertEquals(DType.FLOAT32, fb.dtype());
    assertEquals(3, fb.length());
    assertEquals("cpu", fb.backendName());
    double[] asDouble = new double[3];
    CPU.download(fb, asDouble);
    assertArrayEquals(new double[] {1.5, -2.25, 3e-8f}, asDouble);

    double[] d = {0.1, 1e300, -7};
    DeviceBuffer db = CPU.upload(d);
    d[0] = 99;
    assertEquals(DType.FLOAT64, db.dtype());
    float[] asFloat = new float[3];
    CPU.download(db, asFloat);
    assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY, -7f}, asFloat);
    double[] same = new double[3];
    CPU.download(db, same);
    assertArrayEquals(new double[] {0.1, 1e300, -7}, same);
  }

  @Test
  void hostBufferExposesTheStorageItself() {
    DeviceBuffer b = CPU.upload(new float[] {1, 2});
    HostBuffer host = (HostBuffer) b;
    host.floatArray()[1] = 5; // a plugin kernel writes straight into the buffer
    assertArrayEquals(new double[] {1, 5}, read(b));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, host::doubleArray);
    assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
    b.close();
    assertThrows(IllegalStateException.class, host::floatArray);
  }

  @Test
  void closeIsIdempotentAndReported() {
    DeviceBuffer b = CPU.allocate(DType.FLOAT64, 4);
    assertFalse(b.isClosed());
    b.close();
    b.close();
    assertTrue(b.isClosed());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void fillSetsEveryElement(DType dtype) {
    DeviceBuffer b = CPU.allocate(dtype, 5);
    CPU.fill(b, -2.5);
    assertArrayEquals(new double[] {-2.5, -2.5, -2.5, -2.5, -2.5}, read(b));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void copyMovesARange(DType dtype) {
    DeviceBuffer src = buffer(dtype, 1, 2, 3, 4, 5);
    DeviceBuffer dst = buffer(dtype, 0, 0, 0, 0);
    CPU.copy(src, 1, dst, 2, 2);
    assertArrayEquals(new double[] {0, 0, 2, 3}, read(dst));
    CPU.copy(src, 0, src, 1, 4); // overlapping, within one buffer
    assertArrayEquals(new double[] {1, 1, 2, 3, 4}, read(src));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void copyAxisRangeSlicesAndConcatenates(DType dtype) {
    // src [2, 3, 2]; take axis-1 rows 1..2 into dst [2, 4, 2] at rows 2..3
    double[] s = new double[12];
    for (int i = 0; i < 12; i++) {
      s[i] = i;
    }
    DeviceBuffer dst = CPU.allocate(dtype, 16);
    CPU.fill(dst, -1);
    CPU.copyAxisRange(buffer(dtype, s), 3, 1, dst, 4, 2, 2, 2, 2);
    assertArrayEquals(new double[] {-1, -1, -1, -1, 2, 3, 4, 5, -1, -1, -1, -1, 8, 9, 10, 11},
        read(dst));
  }

  @ParameterizedTest
  @CsvSource({"FLOAT32, 1, 1, 1", "FLOAT32, 3, 2, 5", "FLOAT64, 2, 37, 65", "FLOAT32, 1, 100, 784",
      "FLOAT64, 1, 784, 100", "FLOAT32, 4, 0, 3"})
  void transposeSwapsTheLastTwoAxes(DType dtype, int batch, int rows, int cols) {
    double[] x = random(rows * 13L + cols, batch * rows * cols);
    DeviceBuffer out = CPU.allocate(dtype, x.length);
    CPU.transpose(buffer(dtype, x), batch, rows, cols, out);
    double[] expected = new double[x.length];
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          expected[(b * cols + c) * rows + r] = x[(b * rows + r) * cols + c];
        }
      }
    }
    assertArrayEquals(Fixture.stored(dtype, expected), read(out));
  }
}
