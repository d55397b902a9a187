package dev.jgrad.cpu;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} across the cores, only when {@code n} is large enough for the
 * hand-off to pay (small loops run on the calling thread). One small shared set of daemon worker
 * threads, one fewer than the cores because the caller works too; threads are never created per
 * call. Chunks are claimed from a shared counter, so a chunk no worker has picked up yet is run
 * by the caller instead of waited for: on a busy machine a late worker costs nothing.
 *
 * <p>Workers spin for {@link #SPIN_NANOS} after their last job before they park, and the caller
 * spins as long before it blocks waiting for them: the primitives of a training step come
 * back to back, and waking a parked thread on a virtual machine took tens of microseconds,
 * longer than half a 100x784x100 GEMM (the median call ran at single-core speed).
 */
final class Parallel {
  /** A loop body over the half-open range {@code [from, to)}. */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }

  private static final int THREADS = CpuProperties.threads();
  /** More chunks than threads, so that a thread slowed by other work gets less of it. */
  private static final int CHUNKS_PER_THREAD = 4;
  private static final long SPIN_NANOS = CpuProperties.spinNanos();
  /** How long {@link #wakeWorker} holds off after a wake-up that found no job. */
  private static final long WASTED_WAKE_BACKOFF_NANOS = 50_000_000;
  private static final ConcurrentLinkedQueue<Job> QUEUE = new ConcurrentLinkedQueue<>();
  /** When a worker last parked without a job since it was woken ({@link System#nanoTime}). */
  private static volatile long lastWastedWake = Long.MIN_VALUE / 2;
  private static final Worker[] WORKERS = startWorkers(THREADS - 1);

  private Parallel() {}

  /** Threads a loop may use, the caller included. */
  static int threads() {
    return THREADS;
  }

  /**
   * Runs {@code body} over {@code [0, n)}: on the calling thread when {@code n < threshold},
   * else in chunks of at least {@code threshold / 2} spread over the workers and the caller.
   */
  static void forRange(int n, int threshold, RangeBody body) {
    if (WORKERS.length == 0 || n < threshold || n < 2) {
      body.run(0, n);
      return;
    }
    int minChunk = Math.max(1, threshold / 2);
    run(new Job(n, (int) Math.min((long) THREADS * CHUNKS_PER_THREAD,
        Math.max(2, n / minChunk)), body));
  }

  /**
   * Runs {@code body} over {@code [0, n)} in exactly {@code min(parts, n)} equal chunks, for work
   * where each chunk has a fixed cost of its own (a GEMM part copies its operands). With
   * {@code helped} false the caller runs every chunk itself, rather than wait for a worker to
   * wake: the same chunks, so the same result whoever runs them (a split changes a product's
   * sums, and a result must not depend on timing).
   */
  static void forParts(int n, int parts, boolean helped, RangeBody body) {
    int chunks = Math.min(parts, n);
    if (WORKERS.length == 0 || chunks < 2) {
      body.run(0, n);
      return;
    }
    Job job = new Job(n, chunks, body);
    if (helped) {
      run(job);
    } else {
      job.work();
      job.await(); // nothing to wait for; rethrows a chunk's failure
    }
  }

  /**
   * Whether a worker is awake (running or spinning), so a job handed over now starts within a
   * microsecond. Only looks; {@link #wakeWorker} wakes one.
   */
  static boolean workerAwake() {
    for (Worker w : WORKERS) {
      if (!w.parked) {
        return true;
      }
    }
    return false;
  }

  /**
   * Wakes a parked worker, if any, so that it spins ready for the next job for a while; unless a
   * wake-up in the last {@link #WASTED_WAKE_BACKOFF_NANOS} found no job before the worker parked
   * again: the caller's work comes too far apart, and each wake-up cost the caller 8-11 us on
   * average (up to 75 us) on the reference VM.
   */
  static void wakeWorker() {
    if (System.nanoTime() - lastWastedWake < WASTED_WAKE_BACKOFF_NANOS) {
      return;
    }
    for (Worker w : WORKERS) {
      if (w.parked) {
        LockSupport.unpark(w);
        return;
      }
    }
  }

  private static void run(Job job) {
    int helpers = Math.min(WORKERS.length, job.chunks - 1);
    for (int i = 0; i < helpers; i++) {
      QUEUE.add(job);
    }
    // Wake no more parked workers than there are entries; spinning ones pick entries up anyway.
    for (int i = 0, woken = 0; i < WORKERS.length && woken < helpers; i++) {
      if (WORKERS[i].parked) {
        LockSupport.unpark(WORKERS[i]);
        woken++;
      }
    }
    job.work();
    job.await();
  }

  /** One parallel loop: its chunks, who has claimed them, and the first failure. */
  private static final class Job {
    final int n;
    final int chunks;
    final RangeBody body;
    final AtomicInteger next = new AtomicInteger();
    final CountDownLatch done;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(int n, int chunks, RangeBody body) {
      this.n = n;
      this.chunks = chunks;
      this.body = body;
      this.done = new CountDownLatch(chunks);
    }

    /** Runs unclaimed chunks until none is left. */
    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          if (failure.get() == null) {
            body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.countDown();
        }
      }
    }

    /**
     * Waits for the chunks other threads claimed, then rethrows the first failure. An interrupt
     * skips the chunks nobody has started, but still waits for those a worker is running: the
     * caller's op hands its output back to the array pool when it fails, and a worker still
     * writing there would write into the next owner's array (another thread's answer).
     */
    void await() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (done.getCount() > 0 && System.nanoTime() < spinUntil) {
        Thread.onSpinWait();
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          failure.compareAndSet(null, cancelled("a parallel CPU loop", e));
          work(); // claims what is left, skipping it, rather than wait for a worker to skip it
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
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
  }

  /** A pool thread: takes jobs from the queue, spinning a while when idle before it parks. */
  private static final class Worker extends Thread {
    volatile boolean parked;

    Worker(int index) {
      super("jgrad-cpu-" + index);
      setDaemon(true);
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      boolean workedSinceWake = true; // started, not woken
      while (true) {
        Job job = QUEUE.poll();
        if (job != null) {
          job.work();
          workedSinceWake = true;
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          if (!workedSinceWake) {
            lastWastedWake = System.nanoTime();
          }
          parked = true;
          if (QUEUE.isEmpty()) { // re-check after announcing, so a job added meanwhile is seen
            LockSupport.park(this);
          }
          parked = false;
          workedSinceWake = false;
          idleSince = System.nanoTime();
        }
      }
    }
  }

  private static Worker[] startWorkers(int count) {
    Worker[] workers = new Worker[count];
    for (int i = 0; i < count; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].start();
    }
    return workers;
  }

  /**
   * The failure of a wait that was interrupted: a CancellationException, an
   * IllegalStateException as before but one a service can tell from a bug (a cancelled request,
   * not a broken op).
   */
  static CancellationException cancelled(String what, InterruptedException cause) {
    CancellationException e = new CancellationException("interrupted while waiting for " + what
        + " (the thread's interrupt flag is kept)");
    e.initCause(cause);
    return e;
  }
}
