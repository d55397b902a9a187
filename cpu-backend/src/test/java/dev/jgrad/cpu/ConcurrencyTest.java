package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.buffer;
import static dev.jgrad.cpu.Fixture.random;
import static dev.jgrad.cpu.Fixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several threads using the backend at once share the worker pool and each have their own GEMM
 * scratch; every result must equal the one computed alone.
 */
class ConcurrencyTest {
  @Test
  void concurrentCallersGetTheSameResultsAsSequentialOnes() throws Exception {
    int[][] sizes = {{100, 100, 784}, {784, 100, 100}, {37, 411, 53}, {3, 5, 7}};
    List<double[]> expected = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      expected.add(work(t, sizes[t % sizes.length]));
    }
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        List<Future<double[]>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int task = t;
          results.add(callers.submit(() -> work(task, sizes[task % sizes.length])));
        }
        for (int t = 0; t < 8; t++) {
          assertArrayEquals(expected.get(t), results.get(t).get(), "task " + t);
        }
      }
    } finally {
      callers.shutdownNow();
    }
  }

  /** A product, a broadcast add over the result and a large in-place scale. */
  private static double[] work(int seed, int[] s) {
    int m = s[0];
    int n = s[1];
    int k = s[2];
    DType dtype = seed % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
    DeviceBuffer a = buffer(dtype, random(seed, m * k));
    DeviceBuffer b = buffer(dtype, random(seed + 100, k * n));
    DeviceBuffer c = CPU.allocate(dtype, (long) m * n);
    CPU.matmul(a, seed % 3 == 0, b, seed % 4 == 1, c, m, n, k);
    Shape cs = Shape.of(m, n);
    CPU.binary(BinaryOp.ADD, c, cs, buffer(dtype, random(seed + 200, n)), Shape.of(n), c, cs);
    CPU.scalar(BinaryOp.MUL, c, 0.5, c);
    return read(c);
  }
}
