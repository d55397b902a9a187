package dev.jgrad.api;

/**
 * An optional capability of a {@link Backend} that can record the work queued on it into a graph
 * replayed later without the host (the CUDA backend's CUDA graphs). Code whose work must not be
 * recorded asks whether a capture is under way and refuses with its reason: a value that changes
 * every step (Adam's bias correction) would be replayed unchanged, and state created once
 * (optimizer slots filled with zeros) would be created again by every replay.
 */
public interface GraphCapture {
  /** Whether work queued now would be recorded into a graph instead of run. */
  boolean isCapturing();
}
