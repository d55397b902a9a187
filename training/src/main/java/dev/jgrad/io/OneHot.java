package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One-hot encoding of class labels, row-major: row {@code i} of the result has a 1 at column
 * {@code labels[i]} and 0 elsewhere.
 *
 * <pre>{@code
 * float[] y = OneHot.encode(new int[] {2, 0}, 3);   // {0, 0, 1,  1, 0, 0}
 * }</pre>
 */
public final class OneHot {
  private OneHot() {}

  /** A {@code labels.length x numClasses} matrix, row-major, for a cross-entropy target. */
  public static float[] encode(int[] labels, int numClasses) {
    checkNotNull(labels, "labels is null; pass the class index of each sample");
    checkArgument(numClasses >= 1, "numClasses is %s; pass the number of classes (>= 1)",
        numClasses);
    checkArgument((long) labels.length * numClasses <= Integer.MAX_VALUE - 8,
        "%s labels x %s classes is too large for one float array; encode in batches",
        labels.length, numClasses);
    float[] out = new float[labels.length * numClasses];
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i];
      checkArgument(label >= 0 && label < numClasses,
          "label %s of sample %s is outside 0..%s; pass numClasses greater than the largest label",
          label, i, numClasses - 1);
      out[i * numClasses + label] = 1f;
    }
    return out;
  }
}
