package dev.jgrad.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Splits a loop over {@code [0, n)} across the cores, only when {@code n} is large enough for the
 * hand-off to pay (small loops run on the calling thread). One small shared pool of daemon
 * threads, one fewer than the cores because the caller works too; threads are never created per
 * call. Chunks are claimed from a shared counter, so a chunk no helper has picked up yet is run
 * by the caller instead of waited for: on a busy machine a late helper costs nothing.
 */
final class Parallel {
  /** A loop body over the half-open range {@code [from, to)}. */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  private static final int THREADS = Math.max(1,
      Integer.getInteger("jgrad.cpu.threads", Runtime.getRuntime().availableProcessors()));
  /** More chunks than threads, so that a thread slowed by other work gets less of it. */
  private static final int CHUNKS_PER_THREAD = 4;
  private static final ExecutorService POOL = THREADS > 1
      ? Executors.newFixedThreadPool(THREADS - 1, daemonThreads()) : null;

  private Parallel() {}

  /** Threads a loop may use, the caller included. */
  static int threads() {
    return THREADS;
  }

  /**
   * Runs {@code body} over {@code [0, n)}: on the calling thread when {@code n < threshold},
   * else in chunks of at least {@code threshold / 2} spread over the pool and the caller.
   */
  static void forRange(int n, int threshold, RangeBody body) {
    if (POOL == null || n < threshold || n < 2) {
      body.run(0, n);
      return;
    }
    int minChunk = Math.max(1, threshold / 2);
    run(n, (int) Math.min((long) THREADS * CHUNKS_PER_THREAD, Math.max(2, n / minChunk)), body);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in exactly {@code min(parts, n)} equal chunks, for work
   * where each chunk has a fixed cost of its own (a GEMM part copies its operands).
   */
  static void forParts(int n, int parts, RangeBody body) {
    int chunks = Math.min(parts, n);
    if (POOL == null || chunks < 2) {
      body.run(0, n);
      return;
    }
    run(n, chunks, body);
  }

  private static void run(int n, int chunks, RangeBody body) {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(chunks);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          if (failure.get() == null) {
            body.run(bound(n, chunks, c), bound(n, chunks, c + 1));
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.countDown();
        }
      }
    };
    for (int i = 1; i < THREADS; i++) {
      POOL.execute(worker);
    }
    worker.run();
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a parallel CPU loop", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private static int bound(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "jgrad-cpu-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
