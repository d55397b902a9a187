package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The one definition of dropout's mask, which every backend's {@value OpNames#DROPOUT_MASK}
 * kernel computes bit for bit (the CUDA kernel in {@code dropout.cu} line by line).
 *
 * <p>Counter-based: element {@code i} of call {@code counter} of a layer seeded {@code seed} is
 * kept iff {@code bits >>> 11 >= ceil(p * 2^53)} (the same as {@code u >= p} for the 53-bit
 * fraction {@code u = (bits >>> 11) * 2^-53}, but in integers, which a kernel receiving a FLOAT32
 * call's arguments cannot round), with
 * <pre>
 *   key  = mix64(seed + (counter + 1) * GAMMA)   // splitmix64's counter-th output from seed
 *   bits = mix64(key  + (index + 1)   * GAMMA)   // splitmix64's index-th output from key
 * </pre>
 * where {@code mix64} is splitmix64's finaliser (Stafford's variant 13, as in
 * {@link java.util.SplittableRandom}) and {@code GAMMA} its odd increment. Why this and not
 * Philox-4x32: each element is a pure function of (seed, counter, index), so GPU threads need no
 * state and any element order gives the same mask; it is two 64-bit multiplies and shifts per
 * round, identical in Java's {@code long} and PTX's {@code u64} arithmetic without Philox's
 * 32-bit high-multiply bookkeeping; and splitmix64's outputs pass BigCrush. {@code p * 2^53} and
 * its ceiling are exact in doubles, so the threshold is the exact integer form of {@code u >= p}.
 */
public final class DropoutMask {
  /** splitmix64's increment, the odd integer nearest 2^64 / golden ratio. */
  static final long GAMMA = 0x9E3779B97F4A7C15L;

  private DropoutMask() {}

  /** splitmix64's output function: a bijective mix of all 64 bits. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Counters run from 0 below this, 2^53: the op takes the counter as a FLOAT64 element, which
   * holds every whole number up to it exactly.
   */
  public static final long COUNTER_LIMIT = 1L << 53;

  /** Fails unless {@code counter} is in [0, {@link #COUNTER_LIMIT}), naming {@code who}. */
  public static void checkCounter(String who, long counter) {
    checkArgument(counter >= 0 && counter < COUNTER_LIMIT, "%s: the mask counter must be in "
        + "[0, 2^53), got %s", who, counter);
  }

  /** The counter a FLOAT64 counter element holds; fails unless a whole number in range. */
  public static long counter(String who, double value) {
    checkArgument(value >= 0 && value < COUNTER_LIMIT && value == Math.rint(value),
        "%s: the counter input must hold a whole number in [0, 2^53), got %s", who, value);
    return (long) value;
  }

  /** The per-call key that {@link #kept} draws an element from. */
  public static long key(long seed, long counter) {
    return mix64(seed + (counter + 1) * GAMMA);
  }

  /** The smallest 53-bit draw kept at drop rate {@code p}: {@code ceil(p * 2^53)}, exactly. */
  public static long threshold(double p) {
    return (long) Math.ceil(p * 0x1.0p53);
  }

  /** Whether element {@code index} survives, for a call's {@code key} and {@link #threshold}. */
  public static boolean kept(long key, long index, long threshold) {
    return mix64(key + (index + 1) * GAMMA) >>> 11 >= threshold;
  }

  /** Checks that {@code p} is a drop probability in [0, 1), naming {@code who} if not. */
  public static void checkP(String who, double p) {
    checkArgument(p >= 0 && p < 1, "%s: drop probability p must be in [0, 1), got %s; p = 0 keeps"
        + " everything, and p = 1 would drop everything (remove the layer instead)", who, p);
  }

  /** The inverted mask into {@code out[0, length)}: {@code (float) (1 / (1 - p))} where kept, else 0. */
  public static void fill(float[] out, int length, double p, long seed, long counter) {
    long key = key(seed, counter);
    long threshold = threshold(p);
    float scale = (float) (1.0 / (1.0 - p));
    for (int i = 0; i < length; i++) {
      out[i] = kept(key, i, threshold) ? scale : 0f;
    }
  }

  /** The inverted mask into {@code out[0, length)}: {@code 1 / (1 - p)} where kept, else 0. */
  public static void fill(double[] out, int length, double p, long seed, long counter) {
    long key = key(seed, counter);
    long threshold = threshold(p);
    double scale = 1.0 / (1.0 - p);
    for (int i = 0; i < length; i++) {
      out[i] = kept(key, i, threshold) ? scale : 0.0;
    }
  }
}
