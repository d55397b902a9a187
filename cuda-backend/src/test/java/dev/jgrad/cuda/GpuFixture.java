package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.Availability;
import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.GpuRequirement;
import java.util.Random;

/**
 * Shared by the GPU tests: the backend (or a skip, with the probe's reason, where there is no
 * usable GPU), buffers from reference values, and tolerance checks. Reference values are doubles;
 * for FLOAT32 they are first rounded to float, so the reference sees exactly what the GPU sees.
 */
final class GpuFixture {
  private GpuFixture() {}

  /**
   * The CUDA backend, or the test is skipped (reported as skipped) with the probe's reason; or
   * it fails when this run requires a GPU ({@link GpuRequirement}).
   */
  static CudaBackend backend() {
    Availability a = new CudaBackendProvider().probe();
    if (!a.isAvailable()) {
      GpuRequirement.failIfRequired("cuda: " + a.reason());
    }
    assumeTrue(a.isAvailable(), () -> "no usable GPU here, so this GPU test is skipped: "
        + a.reason());
    return (CudaBackend) Backends.byName("cuda");
  }

  /** Relative tolerance for elementwise results. */
  static double elementwiseTol(DType dt) {
    return dt == DType.FLOAT32 ? 1e-5 : 1e-12;
  }

  /** Relative tolerance for reductions and matrix products. */
  static double reductionTol(DType dt) {
    return dt == DType.FLOAT32 ? 1e-4 : 1e-10;
  }

  /** Uniform values in [lo, hi), rounded to the dtype. */
  static double[] random(DType dt, int n, long seed, double lo, double hi) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextDouble();
    }
    return round(dt, v);
  }

  /** The values as the dtype holds them. */
  static double[] round(DType dt, double[] v) {
    double[] out = v.clone();
    if (dt == DType.FLOAT32) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) out[i];
      }
    }
    return out;
  }

  static DeviceBuffer upload(Backend b, DType dt, double[] v) {
    if (dt == DType.FLOAT64) {
      return b.upload(v);
    }
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return b.upload(f);
  }

  static double[] download(CudaBackend b, DeviceBuffer buf) {
    double[] out = new double[(int) buf.length()];
    b.download(buf, out);
    return out;
  }

  /** |got - want| <= tol * (1 + |want|) everywhere; NaN only where the reference is NaN. */
  static void assertClose(double[] want, double[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      double w = want[i];
      double g = got[i];
      if (Double.isNaN(w) || Double.isNaN(g)) {
        if (Double.isNaN(w) != Double.isNaN(g)) {
          fail(what + ": element " + i + " is " + g + ", expected " + w);
        }
        continue;
      }
      if (Double.isInfinite(w) || Double.isInfinite(g)) {
        if (w != g) {
          fail(what + ": element " + i + " is " + g + ", expected " + w);
        }
        continue;
      }
      if (Math.abs(g - w) > tol * (1 + Math.abs(w))) {
        fail(what + ": element " + i + " is " + g + ", expected " + w + " (tolerance " + tol
            + " relative)");
      }
    }
  }
}
