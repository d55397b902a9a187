package dev.jgrad.examples.mnist;

import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a made-up dataset in the four-file MNIST layout: 28x28 images of dim noise with a
 * bright 4x4 square whose position is the label, so a network learns it in one epoch.
 */
final class SyntheticMnist {
  static final int SIDE = 28;

  private SyntheticMnist() {}

  /** Writes the four files into {@code dir}, gzip-compressed ({@code .gz}) or raw. */
  static void write(Path dir, int trainCount, int testCount, long seed, boolean gzip)
      throws IOException {
    Random r = new Random(seed);
    writeSplit(dir, "train", trainCount, r, gzip);
    writeSplit(dir, "t10k", testCount, r, gzip);
  }

  private static void writeSplit(Path dir, String prefix, int n, Random r, boolean gzip)
      throws IOException {
    byte[] images = new byte[n * SIDE * SIDE];
    byte[] labels = new byte[n];
    r.nextBytes(images);
    for (int p = 0; p < images.length; p++) {
      images[p] &= 0x3F; // dim noise, 0..63
    }
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(10);
      labels[i] = (byte) label;
      int base = i * SIDE * SIDE;
      int top = 2 + (label / 5) * 12;
      int left = 2 + (label % 5) * 5;
      for (int y = top; y < top + 4; y++) {
        for (int x = left; x < left + 4; x++) {
          images[base + y * SIDE + x] = (byte) (200 + r.nextInt(56));
        }
      }
    }
    write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxArray.ofUnsignedBytes(images, n, SIDE,
        SIDE), gzip);
    write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxArray.ofUnsignedBytes(labels, n), gzip);
  }

  private static void write(Path file, IdxArray array, boolean gzip) throws IOException {
    if (gzip) {
      IdxWriter.write(file.resolveSibling(file.getFileName() + ".gz"), array);
    } else {
      IdxWriter.writeUncompressed(file, array);
    }
  }
}
