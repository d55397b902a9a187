package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkPositionIndexes;

import java.util.Arrays;

/**
 * Grey-level images with one class label each, e.g. the MNIST training split: {@code size()}
 * images of {@code rows() x cols()} pixels, stored row-major one after the other in one float
 * array, ready to become a {@code [size, rows * cols]} tensor.
 *
 * <p>{@link #images()} and {@link #labels()} return the arrays themselves, not copies: full MNIST
 * is 188 MB of floats, too much to copy on every call. Do not modify them.
 *
 * <pre>{@code
 * LabeledImages train = MnistFiles.load(Path.of("data/mnist")).train();
 * float[] x = train.images();        // train.size() * 784 floats in [0, 1]
 * float[] y = train.oneHotLabels();  // train.size() * 10
 * LabeledImages first100 = train.subset(0, 100);
 * }</pre>
 */
public final class LabeledImages {
  private final float[] images;
  private final int[] labels;
  private final int rows;
  private final int cols;
  private final int numClasses;

  /**
   * Takes ownership of the arrays (no copy).
   *
   * @param images {@code labels.length * rows * cols} pixels, image after image, row-major
   * @param labels one class index in {@code 0..numClasses-1} per image
   */
  public LabeledImages(float[] images, int[] labels, int rows, int cols, int numClasses) {
    checkNotNull(images, "images is null");
    checkNotNull(labels, "labels is null");
    checkArgument(rows >= 1 && cols >= 1, "image size %sx%s: rows and cols must be >= 1",
        rows, cols);
    checkArgument(numClasses >= 1, "numClasses is %s; pass the number of classes (>= 1)",
        numClasses);
    checkArgument((long) labels.length * rows * cols == images.length,
        "%s pixels do not make %s images of %sx%s; pass one label per image",
        images.length, labels.length, rows, cols);
    for (int i = 0; i < labels.length; i++) {
      checkArgument(labels[i] >= 0 && labels[i] < numClasses,
          "label %s of image %s is outside 0..%s; pass numClasses greater than the largest label",
          labels[i], i, numClasses - 1);
    }
    this.images = images;
    this.labels = labels;
    this.rows = rows;
    this.cols = cols;
    this.numClasses = numClasses;
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Pixels per image: rows * cols (784 for MNIST). */
  public int pixelsPerImage() {
    return rows * cols;
  }

  /** Number of classes the labels are drawn from (10 for MNIST). */
  public int numClasses() {
    return numClasses;
  }

  /** All pixels, {@code size() * rows() * cols()} floats; the array itself: do not modify. */
  public float[] images() {
    return images;
  }

  /** All labels; the array itself: do not modify. */
  public int[] labels() {
    return labels;
  }

  /** A copy of image {@code i}, row-major. */
  public float[] image(int i) {
    checkElementIndex(i, size(), "image index");
    int n = pixelsPerImage();
    return Arrays.copyOfRange(images, i * n, (i + 1) * n);
  }

  public int label(int i) {
    checkElementIndex(i, size(), "label index");
    return labels[i];
  }

  /** The labels one-hot encoded: {@code size() x numClasses()}, row-major. */
  public float[] oneHotLabels() {
    return OneHot.encode(labels, numClasses);
  }

  /** How many images each class has: index = class. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public LabeledImages subset(int from, int to) {
    checkPositionIndexes(from, to, size());
    int n = pixelsPerImage();
    return new LabeledImages(Arrays.copyOfRange(images, from * n, to * n),
        Arrays.copyOfRange(labels, from, to), rows, cols, numClasses);
  }

  @Override
  public String toString() {
    return "LabeledImages[" + size() + " images " + rows + "x" + cols + ", " + numClasses
        + " classes]";
  }
}
