package dev.jgrad.cpu;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Kernels' scratch (growable arrays, off-heap operand copies) lent to one call at a time and
 * taken back, rather than kept per thread. Per thread was right for a fixed set of threads, but a
 * service that predicts on virtual threads (JDK 21+: a new thread per request) made a new set
 * for every request, grown again from nothing and left to the collector: SimpleConvNet's
 * one-image predictions on virtual threads peaked at 2-3.5 times the resident memory of the same
 * predictions on two platform threads (docs/cpu.md, "Serving predictions"). Here as many sets
 * exist as calls ran at once, whatever the threads; the most recently returned set is lent
 * first, the one whose memory is warmest in the caches.
 *
 * <p>Taking and giving are a short lock each (no allocation), a few tens of nanoseconds against
 * the microseconds of the kernels that use scratch. Sets beyond {@link #KEPT} are dropped.
 */
final class ScratchPool<T> {
  /** Sets kept for reuse: callers at once, the workers included, with room to spare. */
  private static final int KEPT = 2 * CpuProperties.threads() + 2;

  private final Supplier<T> factory;
  private final ArrayDeque<T> idle = new ArrayDeque<>();

  ScratchPool(Supplier<T> factory) {
    this.factory = factory;
  }

  /** A set no other call holds until it is {@link #give given} back: a kept one, or a new one. */
  T take() {
    T kept;
    synchronized (idle) {
      kept = idle.pollFirst();
    }
    return kept != null ? kept : factory.get();
  }

  /** Takes back a set from {@link #take}, which its caller no longer uses. */
  void give(T scratch) {
    synchronized (idle) {
      if (idle.size() < KEPT) {
        idle.addFirst(scratch);
      }
    }
  }

  /** Runs {@code work} with a set lent for it, which it must not keep. */
  void run(Consumer<T> work) {
    T scratch = take();
    try {
      work.accept(scratch);
    } finally {
      give(scratch);
    }
  }

  /** {@code work}'s result (a native kernel's status), run with a set lent for it. */
  int call(ToIntFunction<T> work) {
    T scratch = take();
    try {
      return work.applyAsInt(scratch);
    } finally {
      give(scratch);
    }
  }

  /** Sets kept now (for tests). */
  int kept() {
    synchronized (idle) {
      return idle.size();
    }
  }
}
