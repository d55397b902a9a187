package dev.jgrad.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Float32 GEMM throughput of the CPU backend's {@code matmul} on the MLP shapes and 1024^3, timed
 * exactly as bench/gemm/gemm_numpy.py times NumPy: two warm-up calls, a 50 ms calibration, then
 * {@link #REPS} repetitions of as many calls as fill {@link #REP_SECONDS}; each repetition gives
 * seconds per call, and the best and the median are reported. A second column times OpenBLAS
 * called directly on off-heap memory (no copies), to show what the backend's copies cost.
 *
 * <p>Output: one line per shape, {@code name m n k transA transB best median rawBest rawMedian}
 * (GFLOP/s). Run by bench/gemm/run.sh; not a test.
 */
public final class GemmBenchmark {
  static final int REPS = 7;
  static final double REP_SECONDS = 0.2;

  /** name, m, n, k, transA, transB: the same list as gemm_numpy.py. */
  static final Object[][] SHAPES = {
      {"mlp_forward", 100, 100, 784, false, false},
      {"mlp_dW_transA", 784, 100, 100, true, false},
      {"mlp_dX_transB", 100, 784, 100, false, true},
      {"square_1024", 1024, 1024, 1024, false, false},
  };

  private GemmBenchmark() {}

  public static void main(String[] args) {
    Backend cpu = Backends.byName("cpu");
    for (Object[] s : SHAPES) {
      String name = (String) s[0];
      int m = (Integer) s[1];
      int n = (Integer) s[2];
      int k = (Integer) s[3];
      boolean ta = (Boolean) s[4];
      boolean tb = (Boolean) s[5];
      float[] a = random(1, m * k);
      float[] b = random(2, k * n);
      DeviceBuffer da = cpu.upload(a);
      DeviceBuffer db = cpu.upload(b);
      DeviceBuffer dc = cpu.allocate(dev.jgrad.api.DType.FLOAT32, (long) m * n);
      double flops = 2.0 * m * n * k;
      double[] backend = time(() -> cpu.matmul(da, ta, db, tb, dc, m, n, k));
      FloatBuffer ra = direct(a);
      FloatBuffer rb = direct(b);
      FloatBuffer rc = direct(new float[m * n]);
      int lda = ta ? m : k;
      int ldb = tb ? k : n;
      double[] raw = time(() -> openblas_nolapack.cblas_sgemm(CblasRowMajor,
          ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1f, ra, lda, rb,
          ldb, 0f, rc, n));
      System.out.println(String.format(Locale.ROOT, "%s %d %d %d %b %b %.2f %.2f %.2f %.2f", name,
          m, n, k, ta, tb, flops / backend[0] / 1e9, flops / backend[1] / 1e9,
          flops / raw[0] / 1e9, flops / raw[1] / 1e9));
    }
  }

  /** Best and median seconds per call. */
  static double[] time(Runnable call) {
    call.run();
    call.run();
    long t0 = System.nanoTime();
    int calls = 0;
    while (System.nanoTime() - t0 < 50_000_000L) {
      call.run();
      calls++;
    }
    double perCall = (System.nanoTime() - t0) / 1e9 / calls;
    int iters = Math.max(1, (int) (REP_SECONDS / perCall));
    double[] t = new double[REPS];
    for (int r = 0; r < REPS; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < iters; i++) {
        call.run();
      }
      t[r] = (System.nanoTime() - start) / 1e9 / iters;
    }
    Arrays.sort(t);
    return new double[] {t[0], t[REPS / 2]};
  }

  static float[] random(long seed, int n) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static FloatBuffer direct(float[] v) {
    FloatBuffer f = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    f.put(0, v);
    return f;
  }
}
