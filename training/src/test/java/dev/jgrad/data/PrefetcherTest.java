package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  @Timeout(10)
  void aTaskNotStartedYetIsRunByTheCallerInsteadOfWaitedFor() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // holds the prefetch thread, as a thread that gets no core would
    Prefetcher.Pending<String> blocking = Prefetcher.SHARED.submit(() -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "blocking";
    });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    AtomicInteger runs = new AtomicInteger();
    Prefetcher.Pending<Thread> queued = Prefetcher.SHARED.submit(() -> {
      runs.incrementAndGet();
      return Thread.currentThread();
    });
    try {
      assertSame(Thread.currentThread(), queued.get()); // would wait for the release otherwise
    } finally {
      release.countDown();
    }
    assertEquals("blocking", blocking.get());
    // not taken over (no get): only the prefetch thread runs it, after it has passed `queued`
    CountDownLatch passed = new CountDownLatch(1);
    Prefetcher.SHARED.submit(() -> {
      passed.countDown();
      return null;
    });
    assertTrue(passed.await(5, TimeUnit.SECONDS));
    assertEquals(1, runs.get(), "the prefetch thread must skip a task the caller ran");
  }
}
