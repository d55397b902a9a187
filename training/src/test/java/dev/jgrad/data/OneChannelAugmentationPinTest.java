package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One-channel augmentations give the values they gave before they learnt colour (computed by the
 * code of commit 8c9db41): the same draws in the same order, the same pixels, so seeded runs and
 * checkpoints of grey images keep their results. Sample s, pixel p of the inputs holds
 * {@code 1 + s * pixels + p}, so each output names the input pixel it shows (0: filled in).
 */
class OneChannelAugmentationPinTest {
  private static Tensor numbered(int samples, int pixels) {
    float[] x = new float[samples * pixels];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    return Tensor.of(x, samples, pixels);
  }

  @Test
  void aShiftMovesThePixelsItMovedBefore() {
    float[] got = new RandomShift(3, 4, 1).apply(numbered(3, 12), new SplittableRandom(5))
        .toFloatArray();
    assertArrayEquals(new float[] {
        0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0,
        0, 0, 0, 0, 14, 15, 16, 0, 18, 19, 20, 0,
        26, 27, 28, 0, 30, 31, 32, 0, 34, 35, 36, 0}, got);
  }

  @Test
  void aRotationTurnsThePixelsItTurnedBefore() {
    float[] got = new RandomRotation(5, 4, 40).apply(numbered(2, 20), new SplittableRandom(5))
        .toFloatArray();
    assertArrayEquals(new float[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        0, 21, 22, 23, 29, 26, 27, 28, 33, 30, 31, 28, 33, 34, 35, 32, 38, 39, 40, 0}, got);
  }

  @Test
  void aShiftThenRotationSharesTheRandomAsBefore() {
    float[] got = new RandomShift(5, 4, 2).andThen(new RandomRotation(5, 4, 30))
        .apply(numbered(2, 20), new SplittableRandom(8)).toFloatArray();
    assertArrayEquals(new float[] {
        3, 4, 0, 0, 3, 7, 8, 0, 6, 11, 12, 0, 10, 15, 16, 20, 0, 18, 19, 20,
        0, 0, 0, 0, 0, 0, 0, 0, 23, 24, 0, 0, 27, 28, 0, 0, 31, 32, 0, 0}, got);
  }
}
