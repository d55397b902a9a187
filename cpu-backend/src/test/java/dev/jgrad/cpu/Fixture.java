package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;

/** Shared test helpers: upload and download in either dtype, random data, tolerant comparison. */
final class Fixture {
  static final CpuBackend CPU = new CpuBackend();

  private Fixture() {}

  /** A buffer of {@code dtype} holding {@code values} (rounded to float for FLOAT32). */
  static DeviceBuffer buffer(DType dtype, double... values) {
    if (dtype == DType.FLOAT64) {
      return CPU.upload(values.clone());
    }
    return CPU.upload(floats(values));
  }

  /** {@code values} rounded to float. */
  static float[] floats(double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  static double[] read(DeviceBuffer b) {
    double[] out = new double[(int) b.length()];
    CPU.download(b, out);
    return out;
  }

  /** {@code n} values in [-2, 2), rounded to float so both dtypes see the same inputs. */
  static double[] random(long seed, int n) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 4 - 2);
    }
    return v;
  }

  /** Relative-and-absolute tolerance suited to the dtype. */
  static double tolerance(DType dtype) {
    return dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
  }

  static void assertClose(DType dtype, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "length");
    double tol = tolerance(dtype);
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) ? !Double.isNaN(a) : Math.abs(e - a) > tol * Math.max(1, Math.abs(e))) {
        fail("element " + i + ": expected " + e + " but was " + a + " (" + dtype + ")");
      }
    }
  }

  /** The reference value rounded as the dtype stores it. */
  static double stored(DType dtype, double v) {
    return dtype == DType.FLOAT32 ? (float) v : v;
  }

  static double[] stored(DType dtype, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = stored(dtype, v[i]);
    }
    return out;
  }
}
