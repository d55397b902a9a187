package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The activity counts without a GPU: the counter, differences and the per-step line. */
class DeviceActivityTest {
  @Test
  void theCounterKeepsEachKindApart() {
    ActivityCounter c = new ActivityCounter();
    c.kernelLaunch();
    c.kernelLaunch();
    c.kernelLaunch();
    c.gemmCall();
    c.gemmCall();
    c.memoryOp();
    c.hostWait();
    c.hostWait();
    c.hostWait();
    c.hostWait();
    c.hostCopy();
    c.graphLaunch();
    c.graphLaunch();
    assertEquals(new DeviceActivity(3, 2, 1, 4, 1, 2), c.snapshot());
  }

  @Test
  void countsFromSeveralThreadsAreAllKept() throws InterruptedException {
    ActivityCounter c = new ActivityCounter();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 10_000; i++) {
          c.kernelLaunch();
          c.hostCopy();
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(new DeviceActivity(40_000, 0, 0, 0, 40_000, 0), c.snapshot());
  }

  @Test
  void sinceIsTheDifferenceAndPerStepTheAverage() {
    DeviceActivity before = new DeviceActivity(10, 4, 3, 1, 7, 0);
    DeviceActivity after = new DeviceActivity(110, 34, 43, 2, 7, 0);
    DeviceActivity step = after.since(before);
    assertEquals(new DeviceActivity(100, 30, 40, 1, 0, 0), step);
    assertEquals("per step: 10.0 kernel launches, 3.0 cuBLAS calls, 4.0 memory ops, 0.10 host "
        + "waits, 0.00 host copies", step.perStep(10));
    assertEquals("per step: 0.0 kernel launches, 0.0 cuBLAS calls, 2.0 memory ops, 0.00 host "
        + "waits, 0.00 host copies, 1.00 graph launches",
        new DeviceActivity(0, 0, 200, 0, 0, 100).perStep(100), "graph launches when there are any");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> step.perStep(0));
    assertEquals("steps must be at least 1, got 0", e.getMessage());
  }
}
