package dev.jgrad.train;

import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Dataset;
import java.util.Random;

/** Three Gaussian blobs in 2-D, one per class: a small problem an MLP learns in a few epochs. */
final class Blobs {
  private static final double[][] CENTERS = {{-2, 0}, {2, 0}, {0, 2.5}};

  private Blobs() {}

  static Dataset make(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 2];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int c = i % CENTERS.length;
      labels[i] = c;
      x[2 * i] = (float) (CENTERS[c][0] + 0.7 * r.nextGaussian());
      x[2 * i + 1] = (float) (CENTERS[c][1] + 0.7 * r.nextGaussian());
    }
    return Dataset.of(Tensor.of(x, n, 2), Tensor.indices(labels));
  }
}
