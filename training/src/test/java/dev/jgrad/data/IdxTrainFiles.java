package dev.jgrad.data;

import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxWriter;
import java.io.IOException;
import java.nio.file.Path;

/** Writes the four MNIST IDX files of a training split for tests: one blank test image. */
final class IdxTrainFiles {
  private IdxTrainFiles() {}

  /** {@code labels.length} images of {@code rows x cols} grey levels and their labels in dir. */
  static void write(Path dir, byte[] grey, byte[] labels, int rows, int cols) throws IOException {
    int n = labels.length;
    IdxWriter.write(dir.resolve("train-images-idx3-ubyte"),
        IdxArray.ofUnsignedBytes(grey, n, rows, cols));
    IdxWriter.write(dir.resolve("train-labels-idx1-ubyte"), IdxArray.ofUnsignedBytes(labels, n));
    IdxWriter.write(dir.resolve("t10k-images-idx3-ubyte"),
        IdxArray.ofUnsignedBytes(new byte[rows * cols], 1, rows, cols));
    IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte"),
        IdxArray.ofUnsignedBytes(new byte[1], 1));
  }
}
