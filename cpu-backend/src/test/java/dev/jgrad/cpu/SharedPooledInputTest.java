package dev.jgrad.cpu;

import static dev.jgrad.cpu.Fixture.CPU;
import static dev.jgrad.cpu.Fixture.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One input max-pooled by several threads at once (threads predicting one shared batch): the 2x2
 * pooling keeps its winners on the input's buffer ({@link PoolWinners}), and each pass replaces
 * them.
 */
class SharedPooledInputTest {
  private static final int N = 4;
  private static final int C = 3;
  private static final int H = 12;
  private static final int W = 12;
  private static final Shape X = Shape.of(N, C, H, W);
  private static final Shape Y = Shape.of(N, C, H / 2, W / 2);
  private static final Attrs POOL =
      Conv2dGeometry.attrs(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0});

  private Kernel pool;
  private Kernel grad;

  @BeforeEach
  void kernels() {
    assumeTrue(NativeCpu.available() && NativeCpu.hasMaxPool2x2(),
        "the native 2x2 pooling, which keeps winners, is not available here");
    OpRegistry registry = new OpRegistry();
    registry.register("test", new CpuPoolKernels()::register);
    pool = registry.findKernel(OpNames.MAX_POOL2D, CpuBackend.NAME).orElseThrow();
    grad = registry.findKernel(OpNames.MAX_POOL2D_GRAD, CpuBackend.NAME).orElseThrow();
  }

  /**
   * A second pass used to give the winners it replaced back to the array pool, while another
   * thread's gradient could still be reading them; and two threads replacing the same winners
   * gave one array to the pool twice, so that two later buffers shared it.
   */
  @Test
  void poolingAgainNeverRecyclesTheWinnersAnotherPassMayStillRead() {
    CpuBuffer x = input(1);
    pool(x).close();
    PoolWinners first = x.poolWinners();
    assertNotNull(first, "the native pooling keeps its winners on the input");
    int[] codes = first.codes();
    pool(x).close(); // another thread's pass over the same input
    Object taken;
    while ((taken = ArrayPool.SHARED.take(DType.INT32, codes.length)) != null) {
      assertNotSame(codes, taken, "the replaced winners' array went back to the pool");
    }
    x.close();
  }

  @Test
  void threadsPoolingAndDifferentiatingOneInputGetTheResultsOfOneThread() throws Exception {
    int threads = 8;
    int rounds = 200;
    CpuBuffer x = input(2);
    CpuBuffer[] gys = new CpuBuffer[threads];
    int[][] wantPooled = new int[threads][];
    int[][] wantGrad = new int[threads][];
    for (int t = 0; t < threads; t++) {
      gys[t] = CpuBuffer.wrap(Fixture.floats(Fixture.random(100 + t, (int) Y.size())));
      wantPooled[t] = bits(pool(x).floats());
      wantGrad[t] = bits(grad(x, gys[t]).floats());
    }
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(callers.submit(() -> {
          start.await();
          for (int round = 0; round < rounds; round++) {
            CpuBuffer y = pool(x);
            assertArrayEquals(wantPooled[id], bits(y.floats()), "pooled, round " + round);
            y.close();
            CpuBuffer dx = grad(x, gys[id]);
            assertArrayEquals(wantGrad[id], bits(dx.floats()), "gradient, round " + round);
            dx.close();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  /** Values with many ties, so that a wrong winner changes the gradient. */
  private static CpuBuffer input(long seed) {
    Random r = new Random(seed);
    float[] x = new float[(int) X.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(5);
    }
    return CpuBuffer.wrap(x);
  }

  private CpuBuffer pool(CpuBuffer x) {
    CpuBuffer out = (CpuBuffer) CPU.allocate(DType.FLOAT32, Y.size());
    pool.compute(new KernelCall(CPU, List.of(x), List.of(new TensorSpec(X, DType.FLOAT32)), POOL,
        out, new TensorSpec(Y, DType.FLOAT32)));
    return out;
  }

  private CpuBuffer grad(CpuBuffer x, CpuBuffer gy) {
    CpuBuffer out = (CpuBuffer) CPU.allocate(DType.FLOAT32, X.size());
    grad.compute(new KernelCall(CPU, List.of(x, gy), List.of(new TensorSpec(X, DType.FLOAT32),
        new TensorSpec(Y, DType.FLOAT32)), POOL, out, new TensorSpec(X, DType.FLOAT32)));
    return out;
  }
}
