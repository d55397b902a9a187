package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.ops.ConvOps;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A service predicting on a new thread per request (JDK 21+'s virtual threads) reuses the CPU
 * kernels' scratch: a convolution on a fresh thread allocates its output's bookkeeping, not a new
 * im2col buffer (as with scratch per thread, which made SimpleConvNet's one-image predictions on
 * virtual threads peak at 2-3.5 times the memory).
 */
class ScratchPerCallTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void aConvolutionOnAFreshThreadReusesTheScratch() throws InterruptedException {
    Random r = new Random(3);
    // one channel, 5x5: 25 terms, the im2col path (the direct kernel takes 64 or more); its
    // column buffer is 25 x 124 x 124 floats, 1.5 MiB
    Tensor x = Tensor.randn(r, 1, 1, 128, 128);
    Tensor w = Tensor.randn(r, 8, 1, 5, 5);
    Tensor b = Tensor.zeros(8);
    Runnable predict = () -> {
      try (NoGrad noGrad = NoGrad.scope(); TensorScope scope = TensorScope.open()) {
        ConvOps.conv2d(x, w, b, new int[] {1, 1}, new int[] {0, 0}).sum().item();
      }
    };
    predict.run(); // grows the scratch and pools the output's array
    long col = 25L * 124 * 124 * Float.BYTES;
    for (int request = 0; request < 4; request++) {
      AtomicLong allocated = new AtomicLong();
      Thread t = new Thread(() -> {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        predict.run();
        allocated.set(THREADS.getCurrentThreadAllocatedBytes() - before);
      });
      t.start();
      t.join();
      assertTrue(allocated.get() < col / 4, "a fresh thread's convolution allocated "
          + allocated.get() + " bytes; its column buffer alone is " + col);
    }
  }
}
