package dev.jgrad.examples.mnist;

import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a made-up dataset in the four-file MNIST layout: 28x28 images of noise with a bright 4x4
 * square whose position is the label, so a network learns it in one epoch.
 */
final class SyntheticMnist {
  static final int SIDE = 28;

  private SyntheticMnist() {}

  static void write(Path dir, int trainCount, int testCount, long seed) throws IOException {
    Random r = new Random(seed);
    writeSplit(dir, "train", trainCount, r);
    writeSplit(dir, "t10k", testCount, r);
  }

  private static void writeSplit(Path dir, String prefix, int n, Random r) throws IOException {
    byte[] images = new byte[n * SIDE * SIDE];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(10);
      labels[i] = (byte) label;
      int base = i * SIDE * SIDE;
      for (int p = 0; p < SIDE * SIDE; p++) {
        images[base + p] = (byte) r.nextInt(60);
      }
      int top = 2 + (label / 5) * 12;
      int left = 2 + (label % 5) * 5;
      for (int y = top; y < top + 4; y++) {
        for (int x = left; x < left + 4; x++) {
          images[base + y * SIDE + x] = (byte) (200 + r.nextInt(56));
        }
      }
    }
    IdxWriter.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
        IdxArray.ofUnsignedBytes(images, n, SIDE, SIDE));
    IdxWriter.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"),
        IdxArray.ofUnsignedBytes(labels, n));
  }
}
