package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * RandomRotation turns each image by its own angle within the range (clockwise on screen for a
 * positive one), keeps the values, brings in zeros; chained after RandomShift it is as
 * reproducible as each.
 */
class RandomRotationTest {
  private static final int SIDE = 21;
  private static final double CENTRE = (SIDE - 1) / 2.0;

  /** n images, each a 3x3 block of value 1 + s centred 7 pixels right of the centre. */
  private static float[] blocks(int n) {
    float[] x = new float[n * SIDE * SIDE];
    for (int s = 0; s < n; s++) {
      for (int y = 9; y <= 11; y++) {
        for (int c = 16; c <= 18; c++) {
          x[s * SIDE * SIDE + y * SIDE + c] = 1 + s;
        }
      }
    }
    return x;
  }

  @Test
  void eachBlockTurnsByItsOwnAngleAboutTheCentre() {
    int n = 50;
    float[] x = blocks(n);
    long seed = 3;
    float[] out = new RandomRotation(SIDE, SIDE, 40).apply(Tensor.of(x, n, SIDE * SIDE),
        new SplittableRandom(seed)).toFloatArray();
    SplittableRandom draws = new SplittableRandom(seed); // the documented uniform draw a sample
    int clockwise = 0;
    for (int s = 0; s < n; s++) {
      double degrees = (2 * draws.nextDouble() - 1) * 40;
      double sy = 0;
      double sx = 0;
      int count = 0;
      for (int p = 0; p < SIDE * SIDE; p++) {
        float v = out[s * SIDE * SIDE + p];
        assertTrue(v == 0 || v == 1 + s, "sample " + s + " shows only its own values and zeros");
        if (v != 0) {
          sy += p / SIDE;
          sx += p % SIDE;
          count++;
        }
      }
      assertTrue(count >= 6 && count <= 12, "sample " + s + ": about the block's 9 pixels, got "
          + count);
      // rows run down: a positive angle takes the block from the right towards the bottom
      double seen = Math.toDegrees(Math.atan2(sy / count - CENTRE, sx / count - CENTRE));
      assertEquals(degrees, seen, 4, "sample " + s);
      assertEquals(7, Math.hypot(sy / count - CENTRE, sx / count - CENTRE), 0.6, "sample " + s);
      clockwise += degrees > 0 ? 1 : 0;
    }
    assertTrue(clockwise > 10 && clockwise < 40, clockwise + " of 50 turned clockwise");
  }

  @Test
  void noAngleLeavesTheInputsAndBadSizesAreNamed() {
    Tensor x = Tensor.of(blocks(2), 2, SIDE * SIDE);
    assertSame(x, new RandomRotation(SIDE, SIDE, 0).apply(x, new SplittableRandom(1)));
    assertEquals("RandomRotation: an angle of up to 181.0 degrees; give 0 to 180",
        assertThrows(IllegalArgumentException.class,
            () -> new RandomRotation(SIDE, SIDE, 181)).getMessage());
    assertEquals("RandomRotation(21x21, up to 10.0 degrees): inputs FLOAT32[2, 10] do not hold "
        + "441 values (21x21) a sample; give a batch of images of that size",
        assertThrows(IllegalArgumentException.class, () -> new RandomRotation(SIDE, SIDE, 10)
            .apply(Tensor.zeros(2, 10), new SplittableRandom(1))).getMessage());
  }

  @Test
  void aChainIsTheSameWithAndWithoutPrefetchingAndClosesWhatItReplaced() {
    // the prefetch thread and the caller both gather (and so augment) batches
    List<Tensor> between = Collections.synchronizedList(new ArrayList<>());
    Augmentation shift = new RandomShift(SIDE, SIDE, 2);
    Augmentation recorded = (inputs, random) -> {
      Tensor t = shift.apply(inputs, random);
      between.add(t);
      return t;
    };
    Augmentation chain = recorded.andThen(new RandomRotation(SIDE, SIDE, 15));
    List<float[]> inline = batches(false, chain);
    List<float[]> prefetched = batches(true, chain);
    assertEquals(inline.size(), prefetched.size());
    for (int i = 0; i < inline.size(); i++) {
      assertArrayEquals(inline.get(i), prefetched.get(i), "batch " + i);
    }
    assertTrue(between.size() == 2 * inline.size() && between.stream()
        .allMatch(t -> t.buffer().isClosed()), "the shifted batches were closed once turned");
    assertEquals("RandomShift(21x21, up to 2 pixels) then RandomRotation(21x21, up to 15.0 "
        + "degrees)", shift.andThen(new RandomRotation(SIDE, SIDE, 15)).toString());
  }

  private static List<float[]> batches(boolean prefetch, Augmentation augmentation) {
    int n = 40;
    float[] x = blocks(n);
    int[] y = new int[n];
    Dataset data = Dataset.of(Tensor.of(x, n, SIDE * SIDE), Tensor.indices(y));
    DataLoader loader = DataLoader.builder(data).batchSize(16).seed(9).prefetch(prefetch)
        .augment(augmentation).build();
    List<float[]> out = new ArrayList<>();
    for (int epoch = 0; epoch < 2; epoch++) {
      for (Batch b : loader.epoch(epoch)) {
        try (b) {
          out.add(b.inputs().toFloatArray());
        }
      }
    }
    return out;
  }
}
