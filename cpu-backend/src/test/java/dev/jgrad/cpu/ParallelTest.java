package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParallelTest {
  @ParameterizedTest
  @CsvSource({"0, 10", "1, 1", "5, 100", "100, 2", "100001, 1000", "7, 2", "1000, 1"})
  void forRangeRunsEveryIndexExactlyOnce(int n, int threshold) {
    AtomicIntegerArray hits = new AtomicIntegerArray(n);
    Parallel.forRange(n, threshold, (from, to) -> {
      for (int i = from; i < to; i++) {
        hits.incrementAndGet(i);
      }
    });
    for (int i = 0; i < n; i++) {
      assertEquals(1, hits.get(i), "index " + i);
    }
  }

  @Test
  void forPartsChunksTheSameWhetherHelpedOrNot() {
    // the caller alone must run exactly the chunks the workers would share: a GEMM's result
    // depends on its parts, and whether workers help depends on timing
    List<String> helped = new CopyOnWriteArrayList<>();
    List<String> alone = new CopyOnWriteArrayList<>();
    Parallel.forParts(101, 3, true, (from, to) -> helped.add(from + "-" + to));
    Parallel.forParts(101, 3, false, (from, to) -> alone.add(from + "-" + to));
    assertEquals(Parallel.threads() == 1 ? List.of("0-101") : List.of("0-33", "33-67", "67-101"),
        alone);
    assertEquals(Set.copyOf(alone), Set.copyOf(helped));
  }

  @Test
  void nestedLoopsFinishWithoutDeadlock() {
    AtomicIntegerArray hits = new AtomicIntegerArray(64 * 1000);
    Parallel.forParts(64, 8, true, (from, to) -> {
      for (int row = from; row < to; row++) {
        int base = row * 1000;
        Parallel.forRange(1000, 10, (f, t) -> {
          for (int i = f; i < t; i++) {
            hits.incrementAndGet(base + i);
          }
        });
      }
    });
    for (int i = 0; i < hits.length(); i++) {
      assertEquals(1, hits.get(i), "index " + i);
    }
  }

  @ParameterizedTest
  @CsvSource({"10, 100", "100000, 10"})
  void aFailureInAChunkReachesTheCaller(int n, int threshold) {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.forRange(n, threshold, (from, to) -> {
          if (to == n) {
            throw new IllegalStateException("last chunk failed");
          }
        }));
    assertEquals("last chunk failed", e.getMessage());
  }

  @Test
  void anInterruptedCallerReturnsOnlyOnceNoWorkerRunsItsLoop() throws Exception {
    // a server thread cancelled mid-prediction: its op fails and closes its output, whose array
    // the pool gives the next request; a worker still in the loop wrote into that request's
    // answer (InterruptStress in the adopter review: 96 wrong answers of 3,651)
    assumeTrue(Parallel.threads() > 1, "needs a worker thread");
    AtomicInteger running = new AtomicInteger();
    CountDownLatch workerStarted = new CountDownLatch(1);
    AtomicInteger runningWhenItReturned = new AtomicInteger(-1);
    AtomicBoolean threwInterrupted = new AtomicBoolean();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      try {
        Parallel.forParts(2, 2, true, (from, to) -> {
          running.incrementAndGet();
          boolean worker = Thread.currentThread().getName().startsWith("jgrad-cpu-");
          if (worker) {
            workerStarted.countDown();
          }
          // the worker's chunk runs a second; the caller's ends once the worker has started
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(worker ? 1000 : 5000);
          while (System.nanoTime() < until && (worker || workerStarted.getCount() > 0)) {
            Thread.onSpinWait();
          }
          running.decrementAndGet();
        });
      } catch (IllegalStateException e) {
        // a CancellationException: a service tells a cancelled request from a broken op
        threwInterrupted.set(e instanceof CancellationException
            && e.getMessage().contains("interrupted"));
        flagKept.set(Thread.currentThread().isInterrupted());
      }
      runningWhenItReturned.set(running.get());
    });
    caller.start();
    assertTrue(workerStarted.await(10, TimeUnit.SECONDS), "no worker took a chunk");
    Thread.sleep(200); // the caller waits for the worker's chunk by now
    caller.interrupt();
    caller.join(10_000);
    assertTrue(threwInterrupted.get(), "the interrupted loop did not fail naming the interrupt");
    assertTrue(flagKept.get(), "the caller's interrupt flag was cleared");
    assertEquals(0, runningWhenItReturned.get(), "a worker was still in the loop");
  }
}
