package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scratch lent to one call at a time: never to two at once, the most recently returned set
 * first, as many sets as calls ran at once however many threads came and went.
 */
class ScratchPoolTest {
  @Test
  void aSetIsLentToOneCallAtATimeAndTheLastReturnedComesFirst() {
    AtomicInteger made = new AtomicInteger();
    ScratchPool<int[]> pool = new ScratchPool<>(() -> new int[] {made.incrementAndGet()});
    int[] first = pool.take();
    int[] second = pool.take();
    assertNotSame(first, second, "held sets are never lent again");
    pool.give(first);
    pool.give(second);
    assertSame(second, pool.take(), "the most recently returned set, the warmest");
    assertSame(first, pool.take());
    assertEquals(2, made.get());
  }

  @Test
  void threadsThatComeAndGoReuseTheSameFewSets() throws InterruptedException {
    AtomicInteger made = new AtomicInteger();
    ScratchPool<int[]> pool = new ScratchPool<>(() -> new int[] {made.incrementAndGet()});
    for (int i = 0; i < 200; i++) { // a new thread per request, as virtual threads serve
      Thread t = new Thread(() -> pool.give(pool.take()));
      t.start();
      t.join();
    }
    assertEquals(1, made.get(), "one set for 200 threads one after the other (a ThreadLocal "
        + "made 200)");
  }

  @Test
  void concurrentCallsNeverShareASet() throws InterruptedException {
    ScratchPool<int[]> pool = new ScratchPool<>(() -> new int[1]);
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger shared = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t + 1;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 20_000; i++) {
          int[] s = pool.take();
          s[0] = id;
          Thread.onSpinWait();
          if (s[0] != id) {
            shared.incrementAndGet();
          }
          pool.give(s);
        }
      });
      th.start();
      all.add(th);
    }
    start.countDown();
    for (Thread th : all) {
      th.join();
    }
    assertEquals(0, shared.get(), "a set was written by another call while lent");
    assertTrue(pool.kept() <= threads, "no more sets kept than calls at once: " + pool.kept());
  }
}
