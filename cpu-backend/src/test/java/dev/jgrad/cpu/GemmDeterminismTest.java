package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A product's result depends on its sizes and the thread count alone, not on whether a worker
 * happened to be awake: how a mid-sized product was split used to depend on that, and a split
 * changes the sums. Runs in a child JVM where products split from 1M multiply-adds but are shared
 * with the workers only from the default 16M, so that a mid-sized product is split and whether a
 * worker helps depends on timing (this module's tests otherwise split every product, and by
 * default nothing below 16M is split at all).
 */
class GemmDeterminismTest {
  @Test
  void aMidSizedProductIsTheSameWithWorkersAsleepOrAwake() throws Exception {
    Process child = new ProcessBuilder(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-Djgrad.cpu.threads=2", "-Djgrad.cpu.gemmSplitMacs=1048576", "-cp",
        System.getProperty("java.class.path"),
        Child.class.getName())).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), output);
  }

  /** Multiplies each product with the workers asleep and awake; exits 1 on any difference. */
  static final class Child {
    public static void main(String[] args) throws InterruptedException {
      // the dense products of a 784-100-10 MLP step at batch 100: 7.8M multiply-adds each
      int[][] products = {{100, 784, 100, 0}, {784, 100, 100, 1}, {100, 100, 784, 2},
          {100, 784, 100, 3}};
      for (int[] p : products) {
        String problem = check(p[0], p[1], p[2], (p[3] & 1) != 0, (p[3] & 2) != 0);
        if (problem != null) {
          System.out.println(Arrays.toString(p) + ": " + problem);
          System.exit(1);
        }
      }
    }
  }

  /** Null if every round gives the same bits, else which round differed. */
  private static String check(int m, int k, int n, boolean transA, boolean transB)
      throws InterruptedException {
    Random random = new Random(5);
    float[] a = Fixture.gaussian(random, m * k);
    float[] b = Fixture.gaussian(random, k * n);
    float[] reference = null;
    for (int round = 0; round < 6; round++) {
      if (round % 2 == 0) {
        Thread.sleep(60); // the workers park, and the wasted-wake back-off runs out
      } else {
        keepWorkersBusy(); // they spin a while after it: the product finds one awake
      }
      float[] out = new float[m * n];
      Gemm.multiply(CpuBuffer.wrap(a), transA, CpuBuffer.wrap(b), transB, CpuBuffer.wrap(out), m,
          n, k);
      if (reference == null) {
        reference = out;
      } else if (!Arrays.equals(reference, out)) {
        return "round " + round + " (workers " + (round % 2 == 0 ? "asleep" : "awake")
            + ") differs from round 0";
      }
    }
    return null;
  }

  /** A parallel loop of a few milliseconds, long enough for every worker to wake and join. */
  static void keepWorkersBusy() {
    Parallel.forRange(64, 1, (from, to) -> {
      long until = System.nanoTime() + 100_000L * (to - from);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    });
  }
}
