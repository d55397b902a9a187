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
 * exactly as bench/gemm/gemm_numpy.py times NumPy: two warm-up calls and 0.5 s more of warm-up,
 * then calls timed one by one for {@link #SECONDS} (at least {@link #MIN_CALLS}); the best and the
 * median call are reported. A second column times OpenBLAS
 * called directly on off-heap memory (no copies) with its own threads on every core, as NumPy
 * calls it.
 *
 * <p>Output: one line per shape, {@code name m n k transA transB best median rawBest rawMedian}
 * (GFLOP/s). Run by bench/gemm/run.sh; not a test.
 */
public final class GemmBenchmark {
  static final double SECONDS = 1.5;
  static final int MIN_CALLS = 10;
  static final int MAX_CALLS = 100_000;

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
      // OpenBLAS with its own threads on every core jgrad may use (-Djgrad.cpu.threads), as NumPy
      // runs it; then back to the backend's setting.
      int backendThreads = openblas_nolapack.blas_get_num_threads();
      openblas_nolapack.blas_set_num_threads(Parallel.threads());
      double[] raw = time(() -> openblas_nolapack.cblas_sgemm(CblasRowMajor,
          ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1f, ra, lda, rb,
          ldb, 0f, rc, n));
      openblas_nolapack.blas_set_num_threads(backendThreads);
      System.out.println(String.format(Locale.ROOT, "%s %d %d %d %b %b %.2f %.2f %.2f %.2f", name,
          m, n, k, ta, tb, flops / backend[0] / 1e9, flops / backend[1] / 1e9,
          flops / raw[0] / 1e9, flops / raw[1] / 1e9));
    }
  }

  /**
   * Best and median seconds per call, each call timed on its own: on a shared machine the best
   * single call is the one that ran undisturbed, while a repetition of many calls averages in
   * whatever else ran meanwhile.
   */
  static double[] time(Runnable call) {
    call.run();
    call.run();
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 500_000_000L) {
      call.run();
    }
    double[] t = new double[MAX_CALLS];
    int calls = 0;
    long end = System.nanoTime() + (long) (SECONDS * 1e9);
    while (calls < MAX_CALLS && (calls < MIN_CALLS || System.nanoTime() < end)) {
      long start = System.nanoTime();
      call.run();
      t[calls++] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(t, 0, calls);
    return new double[] {t[0], t[calls / 2]};
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
