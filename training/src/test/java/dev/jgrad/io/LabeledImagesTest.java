package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabeledImagesTest {
  private final LabeledImages three = new LabeledImages(
      new float[] {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, new int[] {2, 0, 2}, 2, 2, 3);

  @Test
  void oneHotEncodesRowMajor() {
    assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 1}, three.oneHotLabels());
    assertArrayEquals(new float[] {0, 1, 1, 0}, OneHot.encode(new int[] {1, 0}, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OneHot.encode(new int[] {0, 3}, 3));
    assertEquals("label 3 of sample 1 is outside 0..2; pass numClasses greater than the largest"
        + " label", e.getMessage());
  }

  @Test
  void subsetsCopyImagesAndLabels() {
    LabeledImages tail = three.subset(1, 3);
    assertEquals(2, tail.size());
    assertArrayEquals(new float[] {10, 11, 12, 13, 20, 21, 22, 23}, tail.images());
    assertArrayEquals(new int[] {0, 2}, tail.labels());
    assertArrayEquals(new float[] {20, 21, 22, 23}, tail.image(1));
    assertArrayEquals(new int[] {1, 0, 2}, three.classCounts());
    assertEquals(4, three.pixelsPerImage());
    assertThrows(IndexOutOfBoundsException.class, () -> three.subset(2, 4));
    assertThrows(IndexOutOfBoundsException.class, () -> three.image(3));
  }

  @Test
  void rejectsInconsistentArrays() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabeledImages(new float[7], new int[] {0, 1}, 2, 2, 2));
    assertTrue(e.getMessage().startsWith("7 pixels do not make 2 images of 2x2"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new LabeledImages(new float[8], new int[] {0, 2}, 2, 2, 2));
  }

  @Test
  void colourImagesCountEveryChannel() {
    // two 3x1x2 images (channels x rows x cols), channels first
    LabeledImages rgb = new LabeledImages(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
        new int[] {1, 0}, 3, 1, 2, 2);
    assertEquals(3, rgb.channels());
    assertEquals(6, rgb.pixelsPerImage());
    assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12}, rgb.image(1));
    LabeledImages second = rgb.subset(1, 2);
    assertEquals(3, second.channels());
    assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12}, second.images());
    assertEquals("LabeledImages[2 images 3x1x2, 2 classes]", rgb.toString());
    assertEquals("LabeledImages[3 images 2x2, 3 classes]", three.toString());
    assertEquals(1, three.channels());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabeledImages(new float[12], new int[] {0, 1, 0}, 3, 1, 2, 2));
    assertEquals("12 pixels do not make 3 images of 3x1x2; pass one label per image",
        e.getMessage());
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> new LabeledImages(new float[0], new int[0], 3, 40000, 40000, 2));
    assertEquals("image size 3x40000x40000: more values than an int counts; give smaller images",
        big.getMessage());
  }
}
