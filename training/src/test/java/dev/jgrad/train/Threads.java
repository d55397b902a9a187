package dev.jgrad.train;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on threads that start together, so that their work really overlaps, or one after
 * another; and compares their tensors bit for bit.
 */
final class Threads {
  /** A task's work, given the task's index. */
  @FunctionalInterface
  interface Task<T> {
    T run(int index) throws Exception;
  }

  private Threads() {}

  /**
   * Runs {@code count} tasks, one a thread, released at once by a barrier; returns their results
   * in task order, or rethrows the first failure.
   */
  static <T> List<T> together(int count, Task<T> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(count);
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(threads.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return task.run(index);
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  /** {@code t}'s values as raw float bits, so that comparisons tell -0 from 0 and NaNs apart. */
  static int[] rawBits(Tensor t) {
    float[] v = t.toFloatArray();
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }

  /** {@code count} results of {@code task}, computed one after another on this thread. */
  static <T> List<T> alone(int count, Task<T> task) throws Exception {
    List<T> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(task.run(i));
    }
    return results;
  }
}
