package dev.jgrad.api;

/**
 * An optional capability of a {@link Backend} that can record the work queued on it into a graph
 * and replay it later with one launch (the CUDA backend's CUDA graphs). A small model's training
 * step is bound by its launches, not its arithmetic, so replaying it is much faster.
 *
 * <p>Code whose work must not be recorded asks {@link #isCapturing()} and refuses with its
 * reason: a value that changes every step (Adam's bias correction) would be replayed unchanged,
 * and state created once (optimizer slots filled with zeros) would be created again by every
 * replay.
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

  /** Recorded work (see {@link #capture}); close it to release what it holds. */
  interface Replay extends AutoCloseable {
    /** Queues all the recorded work again, after the work queued before. */
    void launch();

    @Override
    void close();
  }
}
