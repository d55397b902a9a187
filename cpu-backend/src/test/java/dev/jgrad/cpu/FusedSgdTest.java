package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FusedSgdTest {
  private static final CpuBackend CPU = (CpuBackend) new CpuBackendProvider().create();

  @ParameterizedTest(name = "{0} n={1} momentum={2} weightDecay={3}")
  @CsvSource({"FLOAT32, 7, 0, 0", "FLOAT32, 100000, 0.9, 0.01", "FLOAT64, 7, 0.9, 0",
      "FLOAT64, 100000, 0, 0.01"})
  void oneFusedStepMatchesTheFormula(DType dtype, int n, double momentum, double weightDecay) {
    Random r = new Random(n);
    double[] p = r.doubles(n, -1, 1).toArray();
    double[] g = r.doubles(n, -1, 1).toArray();
    double[] v = r.doubles(n, -1, 1).toArray();
    double lr = 0.1;
    DeviceBuffer pb = upload(dtype, p);
    DeviceBuffer gb = upload(dtype, g);
    DeviceBuffer vb = momentum == 0 ? null : upload(dtype, v);
    CPU.sgdUpdate(pb, gb, vb, lr, momentum, weightDecay);
    double[] expectP = new double[n];
    double[] expectV = new double[n];
    for (int i = 0; i < n; i++) {
      double step = g[i] + weightDecay * p[i];
      if (momentum != 0) {
        expectV[i] = momentum * v[i] + step;
        step = expectV[i];
      }
      expectP[i] = p[i] - lr * step;
    }
    double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-15;
    assertArrayEquals(expectP, read(pb), tol);
    if (vb != null) {
      assertArrayEquals(expectV, read(vb), tol);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"FLOAT32", "FLOAT64"})
  void mismatchedBuffersAreNamed(DType dtype) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CPU.sgdUpdate(CPU.allocate(dtype, 4), CPU.allocate(dtype, 3), null, 0.1, 0, 0));
    assertTrue(e.getMessage().contains("sgdUpdate"), e.getMessage());
  }

  private static DeviceBuffer upload(DType dtype, double[] v) {
    if (dtype == DType.FLOAT64) {
      return CPU.upload(v);
    }
    float[] f = new float[v.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v[i];
    }
    return CPU.upload(f);
  }

  private static double[] read(DeviceBuffer b) {
    double[] out = new double[(int) b.length()];
    CPU.download(b, out);
    return out;
  }
}
