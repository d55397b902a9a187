package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a CUDA graph capture refuses, without a GPU. */
class CaptureStateTest {
  @Test
  void outsideACaptureNothingIsRefused() {
    CaptureState c = new CaptureState();
    assertFalse(c.active());
    c.checkThread();
    c.refuse("download", "why");
  }

  @Test
  void duringACaptureHostWorkIsRefusedWithItsReason() {
    CaptureState c = new CaptureState();
    c.begin();
    assertTrue(c.active());
    c.checkThread(); // the capturing thread itself may queue work
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> c.refuse("download", "read it later"));
    assertEquals("cuda backend: download while capturing a CUDA graph: read it later",
        e.getMessage());
    IllegalStateException nested = assertThrows(IllegalStateException.class, c::begin);
    assertTrue(nested.getMessage().startsWith("cuda backend: a CUDA graph is already being "
        + "captured (on thread '"), nested.getMessage());
    c.end();
    c.refuse("download", "read it later");
  }

  @Test
  void anotherThreadIsRefusedDuringACapture() throws InterruptedException {
    CaptureState c = new CaptureState();
    c.begin();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        c.checkThread();
      } catch (Throwable t) {
        seen.set(t);
      }
    }, "prefetcher");
    other.start();
    other.join();
    assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
    assertTrue(seen.get().getMessage().startsWith("cuda backend: called on thread 'prefetcher' "
        + "while thread '" + Thread.currentThread().getName() + "' captures a CUDA graph"),
        seen.get().getMessage());
    c.end();
    Thread after = new Thread(c::checkThread);
    after.setUncaughtExceptionHandler((t, e) -> seen.set(e));
    seen.set(null);
    after.start();
    after.join();
    assertEquals(null, seen.get(), "after the capture any thread may use the backend");
  }

  @Test
  void hostWorkBeforeEachLaunchIsKeptPerCaptureInOrder() throws InterruptedException {
    CaptureState c = new CaptureState();
    IllegalStateException outside = assertThrows(IllegalStateException.class,
        () -> c.beforeEachLaunch(() -> { }));
    assertTrue(outside.getMessage().contains("beforeEachLaunch outside a capture"),
        outside.getMessage());
    Runnable first = () -> { };
    Runnable second = () -> { };
    c.begin();
    c.beforeEachLaunch(first);
    c.beforeEachLaunch(second);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        c.beforeEachLaunch(() -> { });
      } catch (Throwable t) {
        seen.set(t);
      }
    });
    other.start();
    other.join();
    assertTrue(seen.get() instanceof IllegalStateException, "only the capturing thread may");
    assertEquals(List.of(first, second), c.end());
    c.begin(); // a capture that failed, then a new one: nothing of the old one carries over
    assertEquals(List.of(), c.end());
    assertThrows(IllegalStateException.class, () -> c.beforeEachLaunch(first));
  }
}
