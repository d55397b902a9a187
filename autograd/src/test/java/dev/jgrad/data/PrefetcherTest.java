package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PrefetcherTest {
  @Test
  @Timeout(10)
  void tasksRunInTurnAndGiveTheirResults() {
    List<Prefetcher.Pending<Integer>> pending = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      pending.add(Prefetcher.SHARED.submit(() -> n * n));
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(i * i, pending.get(i).get());
    }
  }

  @Test
  @Timeout(10)
  void aTaskHandedOverAfterTheThreadFellAsleepStillRuns() throws InterruptedException {
    assertEquals("first", Prefetcher.SHARED.submit(() -> "first").get());
    // well past the time the thread keeps polling after its last task, so it sleeps until woken
    Thread.sleep(200);
    assertEquals("woken", Prefetcher.SHARED.submit(() -> "woken").get());
  }

  @Test
  @Timeout(10)
  void aFailureIsRethrownByGetAndLaterTasksStillRun() {
    IllegalArgumentException thrown = new IllegalArgumentException("bad batch");
    Prefetcher.Pending<Object> failed = Prefetcher.SHARED.submit(() -> {
      throw thrown;
    });
    Prefetcher.Pending<String> after = Prefetcher.SHARED.submit(() -> "after");
    assertSame(thrown, assertThrows(IllegalArgumentException.class, failed::get));
    assertEquals("after", after.get());
  }
}
