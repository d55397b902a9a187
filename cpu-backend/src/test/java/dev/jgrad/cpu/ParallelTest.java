package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void nestedLoopsFinishWithoutDeadlock() {
    AtomicIntegerArray hits = new AtomicIntegerArray(64 * 1000);
    Parallel.forParts(64, 8, (from, to) -> {
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
}
