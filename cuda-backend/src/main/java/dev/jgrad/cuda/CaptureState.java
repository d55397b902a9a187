package dev.jgrad.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which thread, if any, is capturing the backend's stream into a CUDA graph ({@link CudaGraph}),
 * and the checks that keep out of a capture what a graph cannot hold. All work goes to the
 * backend's one stream, so work queued from another thread during a capture would silently become
 * part of the graph; and host copies and waits cannot be recorded at all. Plain Java, tested
 * without a GPU.
 */
final class CaptureState {
  private volatile Thread capturing;
  /** The capture's host work before each launch (GraphCapture.beforeEachLaunch). */
  private List<Runnable> beforeEachLaunch = new ArrayList<>();
  /** Whose host work it is: each owner registers once per capture. */
  private Set<Object> owners = Collections.newSetFromMap(new IdentityHashMap<>());

  /** The calling thread starts capturing; captures do not nest. */
  void begin() {
    Thread t = capturing;
    if (t != null) {
      throw new IllegalStateException("cuda backend: a CUDA graph is already being captured (on "
          + "thread '" + t.getName() + "'); captures do not nest");
    }
    beforeEachLaunch = new ArrayList<>();
    owners = Collections.newSetFromMap(new IdentityHashMap<>());
    capturing = Thread.currentThread();
  }

  /** Ends the capture; returns the host work registered during it, in order. */
  List<Runnable> end() {
    capturing = null;
    List<Runnable> registered = List.copyOf(beforeEachLaunch);
    beforeEachLaunch = new ArrayList<>();
    owners = Collections.newSetFromMap(new IdentityHashMap<>());
    return registered;
  }

  /** Registers {@code owner}'s host work to run before each launch of the graph being captured. */
  void beforeEachLaunch(Object owner, Runnable hostWork) {
    Objects.requireNonNull(owner, "owner is null");
    Objects.requireNonNull(hostWork, "hostWork is null");
    Thread t = capturing;
    if (t != Thread.currentThread()) {
      throw new IllegalStateException("cuda backend: beforeEachLaunch on thread '"
          + Thread.currentThread().getName() + "', " + (t == null ? "outside a capture: there "
          + "is no graph to run it before; call it from the work given to capture()"
          : "while thread '" + t.getName() + "' captures; call it from the capturing thread"));
    }
    if (!owners.add(owner)) {
      throw new IllegalStateException("cuda backend: " + owner + " is used twice in one "
          + "captured step (a layer used twice?), but its values are written once before each "
          + "launch, so both uses would read the second's; use a separate instance for each use, "
          + "or run this step without a graph");
    }
    beforeEachLaunch.add(hostWork);
  }

  boolean active() {
    return capturing != null;
  }

  /** Fails when another thread is capturing: this thread's work would join that graph. */
  void checkThread() {
    Thread t = capturing;
    if (t != null && t != Thread.currentThread()) {
      throw new IllegalStateException("cuda backend: called on thread '"
          + Thread.currentThread().getName() + "' while thread '" + t.getName() + "' captures "
          + "a CUDA graph on the backend's one stream, where this work would be recorded into "
          + "that graph; use the backend from the capturing thread, or after capture() returns");
    }
  }

  /** Fails during a capture: {@code what} (e.g. "download") cannot be part of a graph. */
  void refuse(String what, String why) {
    if (capturing != null) {
      throw new IllegalStateException("cuda backend: " + what + " while capturing a CUDA graph: "
          + why);
    }
  }
}
