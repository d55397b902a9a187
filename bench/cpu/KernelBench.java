import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.cpu.CpuBackend;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A few CPU backend primitives in isolation, FLOAT32 and FLOAT64, on 1M elements ([1000, 1000]
 * where a shape matters), through the public Backend API only, so the same source measures any
 * version of the backend. Prints the median and the best of 15 samples of about 40 ms each,
 * after a 1.5 s warm-up per kernel, in microseconds per call. Used for the side-by-side figures
 * in docs/benchmarks.md; run with {@code -Djgrad.cpu.threads=1} to time the loops alone, and
 * name kernels (as printed, e.g. {@code exp "sum all"}) to run only those:
 *
 *   javac -d DIR -cp examples/mnist/target/jgrad-mnist.jar bench/cpu/KernelBench.java
 *   java -Djgrad.cpu.threads=1 -cp DIR:examples/mnist/target/jgrad-mnist.jar KernelBench [K...]
 */
public final class KernelBench {
  private static final int ROWS = 1000;
  private static final int COLS = 1000;
  private static final int N = ROWS * COLS;
  private static final Shape MATRIX = Shape.of(ROWS, COLS);
  private static final Shape ROW = Shape.of(COLS);

  private static Set<String> only = Set.of();

  private KernelBench() {}

  public static void main(String[] args) {
    only = Set.of(args);
    CpuBackend b = new CpuBackend();
    System.out.println("kernel        dtype    median(us)  best(us)");
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) { // INT32: no arithmetic
      DeviceBuffer x = random(b, dtype, 1, N);
      DeviceBuffer y = random(b, dtype, 2, N);
      DeviceBuffer row = random(b, dtype, 3, COLS);
      DeviceBuffer out = b.allocate(dtype, N);
      DeviceBuffer p = random(b, dtype, 4, N);
      DeviceBuffer v = random(b, dtype, 5, N);
      DeviceBuffer one = b.allocate(dtype, 1);
      DeviceBuffer cols = b.allocate(dtype, COLS);
      time("add", dtype, () -> b.binary(BinaryOp.ADD, x, MATRIX, y, MATRIX, out, MATRIX));
      time("add [n]row", dtype, () -> b.binary(BinaryOp.ADD, x, MATRIX, row, ROW, out, MATRIX));
      time("mul scalar", dtype, () -> b.scalar(BinaryOp.MUL, x, 0.5, out));
      time("exp", dtype, () -> b.unary(UnaryOp.EXP, x, out));
      time("relu", dtype, () -> b.unary(UnaryOp.RELU, x, out));
      time("sum all", dtype, () -> b.reduce(ReduceOp.SUM, x, 1, N, 1, one));
      time("sum axis 0", dtype, () -> b.reduce(ReduceOp.SUM, x, 1, ROWS, COLS, cols));
      time("max axis 1", dtype, () -> b.reduce(ReduceOp.MAX, x, ROWS, COLS, 1, cols));
      time("transpose", dtype, () -> b.transpose(x, 1, ROWS, COLS, out));
      // tiny steps so that a long run keeps the parameters finite
      DeviceBuffer rate = b.upload(new double[] {1e-9});
      time("sgd momentum", dtype, () -> ((FusedSgd) b).sgdUpdate(p, y, v, rate, 0.9, 1e-4));
    }
  }

  private static DeviceBuffer random(Backend b, DType dtype, long seed, int n) {
    Random r = new Random(seed);
    double[] data = new double[n];
    for (int i = 0; i < n; i++) {
      data[i] = r.nextGaussian();
    }
    if (dtype == DType.FLOAT64) {
      return b.upload(data);
    }
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) data[i];
    }
    return b.upload(f);
  }

  private static void time(String name, DType dtype, Runnable call) {
    if (!only.isEmpty() && !only.contains(name)) {
      return;
    }
    long warmEnd = System.nanoTime() + 1_500_000_000L;
    while (System.nanoTime() < warmEnd) {
      call.run();
    }
    double[] us = new double[15];
    for (int s = 0; s < us.length; s++) {
      long t0 = System.nanoTime();
      int calls = 0;
      long t;
      do {
        call.run();
        calls++;
        t = System.nanoTime();
      } while (t - t0 < 40_000_000L);
      us[s] = (t - t0) / 1e3 / calls;
    }
    Arrays.sort(us);
    System.out.println(String.format(Locale.ROOT, "%-13s %-8s %10.1f %9.1f", name, dtype,
        us[us.length / 2], us[0]));
  }
}
