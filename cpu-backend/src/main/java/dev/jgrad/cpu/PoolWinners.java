package dev.jgrad.cpu;

import dev.jgrad.api.DType;

/**
 * Which entry won each 2x2 window of a max pooling (stride 2) of a buffer: a byte per window,
 * 0 to 3 in row-major order, written by the native pooling and kept on the pooled buffer
 * ({@link CpuBuffer#attachWinners}) for the gradient, which then reads a byte per window instead
 * of the four entries (by the backward pass they are out of the caches). Valid while the
 * buffer's contents are those it was pooled from: the buffer drops it with its nonzero lists.
 */
final class PoolWinners {
  private final int h;
  private final int w;
  private final int[] codes;

  private PoolWinners(int h, int w, int[] codes) {
    this.h = h;
    this.w = w;
    this.codes = codes;
  }

  /** Room for the codes of {@code planes} planes of {@code [h, w]}, from the array pool. */
  static PoolWinners forPlanes(int planes, int h, int w) {
    int bytes = planes * (h / 2) * (w / 2);
    int ints = Math.max(1, (bytes + 3) / 4);
    return new PoolWinners(h, w, (int[]) ArrayPool.SHARED.takeOrNew(DType.INT32, ints));
  }

  /** The codes, a byte per window in these ints (the native side's view). */
  int[] codes() {
    return codes;
  }

  /** Whether these are the winners of pooling planes of {@code [h, w]}. */
  boolean describes(int planeHeight, int planeWidth) {
    return h == planeHeight && w == planeWidth;
  }

  /** Gives the codes' array back to the pool; this must not be used after. */
  void recycle() {
    ArrayPool.SHARED.give(codes);
  }
}
