package dev.jgrad.cpu;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;
import java.util.Locale;

/**
 * Finds where splitting an elementwise loop over the cores starts to pay: for each size, times a
 * cheap op (float add), a vectorized unary (relu) and a costly one (exp) on one thread and split
 * over all, best of several repetitions (the machine is shared, so the best is the least
 * disturbed). The crossover sizes set {@link Elementwise#CHEAP_THRESHOLD} and
 * {@link Elementwise#COSTLY_THRESHOLD}. Not a test; run by hand:
 * {@code java -cp <test classpath> dev.jgrad.cpu.ElementwiseThresholdBench}.
 */
public final class ElementwiseThresholdBench {
  private ElementwiseThresholdBench() {}

  public static void main(String[] args) {
    System.out.println("threads: " + Parallel.threads());
    System.out.println("size      add 1t(us) add Nt(us)   relu 1t   relu Nt    exp 1t    exp Nt");
    for (int n = 1 << 10; n <= 1 << 22; n <<= 1) {
      float[] a = GemmBenchmark.random(1, n);
      float[] b = GemmBenchmark.random(2, n);
      float[] out = new float[n];
      int size = n;
      DTypeKernels k = FloatKernels.INSTANCE;
      BroadcastPlan.Run add = k.binary(BinaryOp.ADD, a, b, out);
      double add1 = best(() -> Parallel.forRange(size, Integer.MAX_VALUE,
          (f, t) -> add.apply(f, true, f, true, f, t - f)));
      double addN = best(() -> Parallel.forRange(size, 2,
          (f, t) -> add.apply(f, true, f, true, f, t - f)));
      double relu1 = best(() -> Parallel.forRange(size, Integer.MAX_VALUE,
          (f, t) -> k.unary(UnaryOp.RELU, a, out, f, t)));
      double reluN = best(() -> Parallel.forRange(size, 2,
          (f, t) -> k.unary(UnaryOp.RELU, a, out, f, t)));
      double exp1 = best(() -> Parallel.forRange(size, Integer.MAX_VALUE,
          (f, t) -> k.unary(UnaryOp.EXP, a, out, f, t)));
      double expN = best(() -> Parallel.forRange(size, 2,
          (f, t) -> k.unary(UnaryOp.EXP, a, out, f, t)));
      System.out.println(String.format(Locale.ROOT, "%-9d %10.1f %10.1f %9.1f %9.1f %9.1f %9.1f",
          n, add1, addN, relu1, reluN, exp1, expN));
    }
  }

  /** Best microseconds per call over 9 repetitions of ~20 ms each, after warm-up. */
  private static double best(Runnable call) {
    for (int i = 0; i < 200; i++) {
      call.run();
    }
    long t0 = System.nanoTime();
    int calls = 0;
    while (System.nanoTime() - t0 < 20_000_000L) {
      call.run();
      calls++;
    }
    int iters = Math.max(1, calls);
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 9; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < iters; i++) {
        call.run();
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e3 / iters);
    }
    return best;
  }
}
