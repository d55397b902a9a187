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

  /**
   * The blobs of seed 2 (300) with each label replaced by the next class's: a held-out set whose
   * loss rises as the model learns the true labels, so the first epoch is its best.
   */
  static Dataset shiftedLabels() {
    Dataset d = make(300, 2);
    int[] y = d.targets().toIntArray();
    for (int i = 0; i < y.length; i++) {
      y[i] = (y[i] + 1) % 3;
    }
    return Dataset.of(d.inputs(), Tensor.indices(y));
  }
}
