package dev.jgrad.data;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One daemon thread that runs short tasks ahead of the caller, such as gathering the next batches.
 *
 * <p>Why not an {@code ExecutorService}: handing a task to one wakes its parked thread, and on the
 * reference VM that wake-up cost the caller 8-11 us on average (up to 75 us), a tenth of a
 * training step. Here, for {@link #ACTIVE_NANOS} after its last task, the thread looks for new
 * tasks every {@link #POLL_NANOS} in timed sleeps instead, so a caller that hands over work while
 * batches keep coming wakes nobody; the timer wakes the prefetch thread on its own core. Only a
 * thread idle for longer sleeps until woken. Waiting for a result spins briefly, then polls the
 * same way, so the prefetch thread never wakes the caller either.
 *
 * <p>A caller that needs a result whose task has not started yet runs the task itself instead of
 * waiting for it. The prefetch thread sometimes gets no core for a millisecond or more (on the
 * reference VM, 2-3% of training steps waited 0.5-1 ms or longer for their batch, 4 batches
 * behind); a caller that takes the task over loses only the task's own time.
 */
final class Prefetcher {
  /** Sleep between looks at the queue or at a result; well under a training step. */
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  /** How long a caller waiting for a result spins before it polls in timed sleeps. */
  private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  /** How long after its last task the thread keeps polling before it sleeps until woken. */
  private static final long ACTIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  static final Prefetcher SHARED = new Prefetcher("jgrad-batch-prefetch");

  private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  /** Whether the thread sleeps until woken (not a timed poll): only then does submit wake it. */
  private volatile boolean asleep;

  private Prefetcher(String name) {
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts {@code task} on the prefetch thread after those handed over before it. */
  <T> Pending<T> submit(Supplier<T> task) {
    Pending<T> pending = new Pending<>(task);
    queue.add(pending);
    if (asleep) {
      LockSupport.unpark(thread);
    }
    return pending;
  }

  private void loop() {
    long lastTask = System.nanoTime();
    while (true) {
      Pending<?> task = queue.poll();
      if (task != null) {
        if (task.claim()) { // else the caller took it over
          task.run();
        }
        lastTask = System.nanoTime();
      } else if (System.nanoTime() - lastTask < ACTIVE_NANOS) {
        LockSupport.parkNanos(this, POLL_NANOS);
      } else {
        asleep = true;
        if (queue.isEmpty()) { // re-check after announcing, so a task added meanwhile is seen
          LockSupport.park(this);
        }
        asleep = false;
        lastTask = System.nanoTime();
      }
    }
  }

  /** A task handed to the prefetch thread: its result once run, or what it threw. */
  static final class Pending<T> {
    private final Supplier<T> task;
    /** Set by whichever thread runs the task: the prefetch thread or the caller of get(). */
    private final AtomicBoolean claimed = new AtomicBoolean();
    private T result;
    private Throwable failure;
    private volatile boolean done;

    private Pending(Supplier<T> task) {
      this.task = task;
    }

    private boolean claim() {
      return !claimed.get() && claimed.compareAndSet(false, true);
    }

    private void run() {
      try {
        result = task.get();
      } catch (Throwable t) {
        failure = t;
      }
      done = true; // publishes result and failure
    }

    /**
     * The task's result once it has run; its failure is rethrown. A task not started yet is run
     * here. One that is running is waited for, spinning a little first: it is usually almost
     * done, and a timed sleep lasts 50 us or more.
     */
    T get() {
      if (claim()) {
        run();
      }
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (!done && System.nanoTime() < spinUntil) {
        Thread.onSpinWait();
      }
      while (!done) {
        LockSupport.parkNanos(this, POLL_NANOS);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          // a CancellationException (an IllegalStateException): a cancel, not a broken loader
          throw new CancellationException("interrupted while waiting for a prefetched batch (the"
              + " thread's interrupt flag is kept)");
        }
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) { // only a sneaky checked exception gets here
        throw new IllegalStateException("gathering a batch failed: " + failure, failure);
      }
      return result;
    }
  }
}
