package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Locale;

/**
 * Counts of (actual class, predicted class) over a set of samples, with each class's precision
 * and recall and the samples predicted wrong, as scikit-learn's {@code confusion_matrix} (rows
 * actual, columns predicted). Built from labels and {@link Evaluator#predict}'s classes:
 *
 * <pre>{@code
 * ConfusionMatrix m = ConfusionMatrix.of(test.targets().toIntArray(),
 *     Evaluator.predict(model, test, 1000), 10);
 * System.out.println(m);              // the table, precision and recall per class
 * int[] wrong = m.misclassified();    // indices of the samples to look at
 * }</pre>
 */
public final class ConfusionMatrix {
  private final int classes;
  private final long[][] counts;
  private final int[] misclassified;

  private ConfusionMatrix(int classes, long[][] counts, int[] misclassified) {
    this.classes = classes;
    this.counts = counts;
    this.misclassified = misclassified;
  }

  /**
   * The matrix of {@code actual} labels against {@code predicted} classes, sample by sample, both
   * in {@code [0, classes)}; fails naming the first sample out of range or a length mismatch.
   */
  public static ConfusionMatrix of(int[] actual, int[] predicted, int classes) {
    checkNotNull(actual, "actual labels are null");
    checkNotNull(predicted, "predicted classes are null");
    checkArgument(classes >= 1, "classes is %s; pass the number of classes, at least 1", classes);
    checkArgument(actual.length == predicted.length, "%s actual labels but %s predicted classes;"
        + " pass one of each per sample, in the same order", actual.length, predicted.length);
    long[][] counts = new long[classes][classes];
    int[] wrong = new int[actual.length];
    int w = 0;
    for (int i = 0; i < actual.length; i++) {
      checkClass("actual label", i, actual[i], classes);
      checkClass("predicted class", i, predicted[i], classes);
      counts[actual[i]][predicted[i]]++;
      if (actual[i] != predicted[i]) {
        wrong[w++] = i;
      }
    }
    return new ConfusionMatrix(classes, counts, Arrays.copyOf(wrong, w));
  }

  private static void checkClass(String what, int sample, int c, int classes) {
    checkArgument(c >= 0 && c < classes, "%s %s of sample %s is outside [0, %s); labels and "
        + "classes are indices below the number of classes", what, c, sample, classes);
  }

  /** The number of classes. */
  public int classes() {
    return classes;
  }

  /** How many samples of class {@code actual} were predicted as {@code predicted}. */
  public long count(int actual, int predicted) {
    checkArgument(actual >= 0 && actual < classes && predicted >= 0 && predicted < classes,
        "class (%s, %s) is outside [0, %s)", actual, predicted, classes);
    return counts[actual][predicted];
  }

  /** The number of samples. */
  public long total() {
    long n = 0;
    for (long[] row : counts) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  /** The fraction predicted right; NaN for no samples. */
  public double accuracy() {
    long right = 0;
    for (int c = 0; c < classes; c++) {
      right += counts[c][c];
    }
    return (double) right / total();
  }

  /** Of the samples predicted as {@code c}, the fraction that are {@code c}; NaN if none were. */
  public double precision(int c) {
    long predicted = 0;
    for (int a = 0; a < classes; a++) {
      predicted += count(a, c);
    }
    return (double) counts[c][c] / predicted;
  }

  /** Of the samples of class {@code c}, the fraction predicted as {@code c}; NaN if none are. */
  public double recall(int c) {
    long actual = 0;
    for (int p = 0; p < classes; p++) {
      actual += count(c, p);
    }
    return (double) counts[c][c] / actual;
  }

  /** The indices of the samples predicted wrong, ascending. */
  public int[] misclassified() {
    return misclassified.clone();
  }

  /** The table (rows actual, columns predicted), then precision and recall per class. */
  @Override
  public String toString() {
    int width = Math.max(Long.toString(total()).length(), Integer.toString(classes - 1).length())
        + 1;
    StringBuilder sb = new StringBuilder("actual\\predicted");
    for (int p = 0; p < classes; p++) {
      sb.append(String.format(Locale.ROOT, "%" + width + "d", p));
    }
    sb.append("   precision  recall\n");
    for (int a = 0; a < classes; a++) {
      sb.append(String.format(Locale.ROOT, "%16d", a));
      for (int p = 0; p < classes; p++) {
        sb.append(String.format(Locale.ROOT, "%" + width + "d", counts[a][p]));
      }
      sb.append(String.format(Locale.ROOT, "   %9.4f  %6.4f\n", precision(a), recall(a)));
    }
    return sb.append(String.format(Locale.ROOT, "accuracy %.4f of %d", accuracy(), total()))
        .toString();
  }
}
