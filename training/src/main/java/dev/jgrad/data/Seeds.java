package dev.jgrad.data;

/**
 * Seeds for the separate random streams of one run (an epoch's order, a batch's augmentation, a
 * shard's pass), derived from the user's seed and the stream's coordinates by hashing.
 *
 * <p>Why hashing and not {@code seed + epoch * 0x9E3779B97F4A7C15L}: that constant is
 * {@link java.util.SplittableRandom}'s own increment, so the stream seeded one step further is
 * the first one advanced by a draw, and consecutive epochs' shuffles were drawn from overlapping
 * streams. Each coordinate here goes through SplitMix64's finalizer, a bijection that moves about
 * half the output bits for every input bit, so nearby coordinates give unrelated seeds.
 */
public final class Seeds {
  /** SplittableRandom's increment, the odd integer nearest 2^64 / golden ratio. */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /**
   * The seed of the stream at {@code coordinates} under {@code seed}: {@code mix64(seed + GAMMA)}
   * (the first draw of {@code new SplittableRandom(seed)}), then for each coordinate {@code c},
   * {@code mix64(previous ^ c)}. The increment keeps seed 0 from hashing to 0, the finalizer's
   * fixed point, which would make seed 0's streams at (1, c) seed 1's at (c).
   */
  public static long derive(long seed, long... coordinates) {
    long z = mix64(seed + GAMMA);
    for (long c : coordinates) {
      z = mix64(z ^ c);
    }
    return z;
  }

  /** SplitMix64's finalizer (Stafford's variant 13, as in {@link java.util.SplittableRandom}). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
