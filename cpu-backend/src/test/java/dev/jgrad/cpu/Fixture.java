package dev.jgrad.cpu;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Random;

/** Shared test helpers: upload and download in either dtype, random data. */
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

  /** Raw bits, so that -0 and +0 (and NaN payloads) differ in array comparisons. */
  static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }

  /** {@code length} floats drawn from a standard normal distribution. */
  static float[] gaussian(Random random, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
