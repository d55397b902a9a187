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
  void hostWorkBeforeEachLaunchIsKeptPerCaptureInOrderOncePerOwner()
      throws InterruptedException {
    CaptureState c = new CaptureState();
    IllegalStateException outside = assertThrows(IllegalStateException.class,
        () -> c.beforeEachLaunch("layer", () -> { }));
    assertTrue(outside.getMessage().contains("outside a capture"), outside.getMessage());
    Runnable first = () -> { };
    Runnable second = () -> { };
    c.begin();
    c.beforeEachLaunch("layer", first);
    c.beforeEachLaunch("optimizer", second);
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> c.beforeEachLaunch("layer", () -> { }));
    assertEquals("cuda backend: layer is used twice in one captured step (a layer used twice?), "
        + "but its values are written once before each launch, so both uses would read the "
        + "second's; use a separate instance for each use, or run this step without a graph",
        twice.getMessage());
    AtomicReference<Throwable> seen = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        c.beforeEachLaunch("other", () -> { });
      } catch (Throwable t) {
        seen.set(t);
      }
    }, "prefetcher");
    other.start();
    other.join();
    assertTrue(seen.get() instanceof IllegalStateException, "only the capturing thread may");
    assertTrue(seen.get().getMessage().startsWith("cuda backend: beforeEachLaunch on thread "
        + "'prefetcher', while thread '"), seen.get().getMessage());
    assertEquals(List.of(first, second), c.end());
    c.begin(); // a capture that failed, then a new one: nothing of the old one carries over
    c.beforeEachLaunch("layer", first); // a new capture: the owner may register again
    assertEquals(List.of(first), c.end());
    assertThrows(IllegalStateException.class, () -> c.beforeEachLaunch("layer", first));
  }
}
