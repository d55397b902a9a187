package dev.jgrad.api;

/**
 * An optional capability of a {@link Backend} that can record the work queued on it into a graph
 * and replay it later with one launch (the CUDA backend's CUDA graphs). A small model's training
 * step is bound by its launches, not its arithmetic, so replaying it is much faster.
 *
 * <p>Code whose work must not be recorded asks {@link #isCapturing()}. A value that changes
 * every step (Adam's bias-corrected rate) is read by the captured work from a device buffer, and
 * the code writes it there from {@link #beforeEachLaunch}, not inside the capture, where it
 * would be replayed unchanged. Work that cannot be replayed refuses with its reason: state
 * created once (optimizer slots filled with zeros) would be created again by every replay.
 */
public interface GraphCapture {
  /** Whether work queued now would be recorded into a graph instead of run. */
  boolean isCapturing();

  /**
   * Records the work {@code work} queues, without running it; {@link Replay#launch()} runs it, as
   * often as wanted, on the same buffers with the same scalars. Run the work once without a
   * capture first, so that state it creates once exists.
   *
   * @throws IllegalStateException when the work does what a replay could not repeat (reads a
   *     value on the host, say), naming it; nothing was run then
   */
  Replay capture(Runnable work);

  /**
   * Inside a {@link #capture}, on the capturing thread: {@code hostWork} runs before each
   * {@link Replay#launch()} of the graph being captured, in the order registered, instead of
   * being recorded. It does what the captured work's host code did apart from the device work
   * (advance counters) and queues, outside the graph, what the graph reads that changes every
   * launch (a {@link Backend#fill} of a scalar buffer with this step's value). It must not wait
   * for the device. It does not run during the capture itself, which runs nothing.
   *
   * <p>{@code owner} (the layer or optimizer whose values these are) may register once per
   * capture: all host work runs before the launch, so a second use inside the captured work (a
   * layer used twice in a step) would find its buffer holding the second use's value at both
   * uses, where eager code would have read each its own.
   *
   * @throws IllegalStateException when no capture is under way on this thread, or when
   *     {@code owner} registered in this capture already; the default, for implementations
   *     written before this method, always throws
   */
  default void beforeEachLaunch(Object owner, Runnable hostWork) {
    throw new IllegalStateException(getClass().getSimpleName() + " cannot run host work before "
        + "each launch, which " + owner + " needs in a captured step; implement "
        + "GraphCapture.beforeEachLaunch, or run the step without a graph");
  }

  /** Recorded work (see {@link #capture}); close it to release what it holds. */
  interface Replay extends AutoCloseable {
    /**
     * Runs the host work registered with {@link #beforeEachLaunch}, then queues all the recorded
     * work again, after the work queued before. When host work fails, nothing is launched, and
     * the host work registered before it has run.
     */
    void launch();

    @Override
    void close();
  }
}
