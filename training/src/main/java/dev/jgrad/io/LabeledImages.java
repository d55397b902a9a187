package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkPositionIndexes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Images with one class label each, e.g. the MNIST training split: {@code size()} images of
 * {@code channels() x rows() x cols()} values, one after the other, ready to become a
 * {@code [size, channels * rows * cols]} tensor ({@code Dataset.ofImages}). Grey-level images
 * (MNIST's) have one channel, each image row-major; colour images ({@link ImageFolder}'s RGB) have
 * three, channels first as PyTorch's {@code ToTensor()} lays them out: all of the image's red
 * values row-major, then its green, then its blue ({@code new Unflatten(3, rows, cols)} makes a batch
 * of them a convolution's {@code [batch, 3, rows, cols]}).
 *
 * <p>Images read from IDX files stay one byte a pixel (full MNIST: 47 MB) and become floats when
 * asked: {@link #copyImages} converts a range, {@link #images()} the whole set once (188 MB for
 * full MNIST, kept after the first call), so a data set is held once, as bytes, until it is
 * uploaded ({@code Dataset.ofImages} keeps them as bytes on the backend too, {@link
 * #copyGreyLevels}). {@link #images()} and {@link #labels()} return the arrays themselves, not
 * copies. Do not modify them.
 *
 * <pre>{@code
 * LabeledImages train = MnistFiles.load(Path.of("data/mnist")).train();
 * float[] x = train.images();        // train.size() * 784 floats in [0, 1]
 * float[] y = train.oneHotLabels();  // train.size() * 10
 * LabeledImages first100 = train.subset(0, 100);
 * }</pre>
 */
public final class LabeledImages {
  private float[] images; // null until images() converts the grey levels
  private final ByteBuffer grey; // one byte a pixel, or null when made from floats
  private final PixelScale scale; // how grey levels become pixel values, with grey
  private final float[] greyToFloat; // scale's value of each grey level, with grey
  private final int[] labels;
  private final int channels;
  private final int rows;
  private final int cols;
  private final int numClasses;

  /**
   * Grey-level (one-channel) images; takes ownership of the arrays (no copy).
   *
   * @param images {@code labels.length * rows * cols} pixels, image after image, row-major
   * @param labels one class index in {@code 0..numClasses-1} per image
   */
  public LabeledImages(float[] images, int[] labels, int rows, int cols, int numClasses) {
    this(images, labels, 1, rows, cols, numClasses);
  }

  /**
   * Images of {@code channels} channels; takes ownership of the arrays (no copy).
   *
   * @param images {@code labels.length * channels * rows * cols} values, image after image, each
   *     channel after channel, each channel row-major
   * @param labels one class index in {@code 0..numClasses-1} per image
   */
  public LabeledImages(float[] images, int[] labels, int channels, int rows, int cols,
      int numClasses) {
    checkNotNull(images, "images is null");
    checkNotNull(labels, "labels is null");
    checkSize(channels, rows, cols);
    checkArgument(numClasses >= 1, "numClasses is %s; pass the number of classes (>= 1)",
        numClasses);
    checkArgument((long) labels.length * channels * rows * cols == images.length,
        "%s pixels do not make %s images of %s; pass one label per image",
        images.length, labels.length, describeSize(channels, rows, cols));
    for (int i = 0; i < labels.length; i++) {
      checkArgument(labels[i] >= 0 && labels[i] < numClasses,
          "label %s of image %s is outside 0..%s; pass numClasses greater than the largest label",
          labels[i], i, numClasses - 1);
    }
    this.images = images;
    this.grey = null;
    this.scale = null;
    this.greyToFloat = null;
    this.labels = labels;
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.numClasses = numClasses;
  }

  /**
   * Images kept as levels (one unsigned byte a value, {@code grey}'s positions 0..n-1; grey
   * levels, or the red, green and blue levels of colour images), converted by {@code scale} when
   * read; labels already checked.
   */
  LabeledImages(ByteBuffer grey, PixelScale scale, int[] labels, int channels, int rows,
      int cols, int numClasses) {
    checkSize(channels, rows, cols);
    checkArgument((long) labels.length * channels * rows * cols == grey.limit(),
        "%s pixels do not make %s images of %s", grey.limit(), labels.length,
        describeSize(channels, rows, cols));
    this.images = null;
    this.grey = grey;
    this.scale = checkNotNull(scale, "scale is null");
    this.greyToFloat = new float[256];
    for (int g = 0; g < 256; g++) {
      greyToFloat[g] = scale.apply(g);
    }
    this.labels = labels;
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.numClasses = numClasses;
  }

  /** Refuses sizes below 1 and images whose values do not fit an int index. */
  private static void checkSize(int channels, int rows, int cols) {
    checkArgument(channels >= 1 && rows >= 1 && cols >= 1,
        "image size %s: channels, rows and cols must be >= 1", describeSize(channels, rows, cols));
    checkArgument((long) channels * rows * cols <= Integer.MAX_VALUE,
        "image size %s: more values than an int counts; give smaller images",
        describeSize(channels, rows, cols));
  }

  /** "28x28" for one channel (as it always read), "3x32x32" for more. */
  private static String describeSize(int channels, int rows, int cols) {
    return (channels == 1 ? "" : channels + "x") + rows + "x" + cols;
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** Channels per image: 1 for grey levels (MNIST), 3 for RGB. */
  public int channels() {
    return channels;
  }

  /** Image height in pixels (28 for MNIST). */
  public int rows() {
    return rows;
  }

  /** Image width in pixels (28 for MNIST). */
  public int cols() {
    return cols;
  }

  /**
   * Values per image: channels * rows * cols (784 for MNIST; 3072 for 32x32 RGB), the width of
   * {@code Dataset.ofImages}' rows.
   */
  public int pixelsPerImage() {
    return channels * rows * cols;
  }

  /** Number of classes the labels are drawn from (10 for MNIST). */
  public int numClasses() {
    return numClasses;
  }

  /**
   * All pixels, {@code size() * rows() * cols()} floats; the array itself: do not modify. Images
   * read from files are converted on the first call (4 bytes a pixel from then on); to make a
   * tensor, {@code Dataset.ofImages} converts range by range instead.
   */
  public float[] images() {
    if (images == null) {
      float[] all = new float[grey.limit()];
      copyImages(0, size(), all, 0);
      images = all;
    }
    return images;
  }

  /**
   * Writes the pixels of images {@code from} (inclusive) to {@code to} (exclusive) into
   * {@code dst} from {@code dstOffset}, as {@link #images()} holds them, without converting the
   * rest.
   */
  public void copyImages(int from, int to, float[] dst, int dstOffset) {
    checkPositionIndexes(from, to, size());
    int n = pixelsPerImage();
    int count = (to - from) * n;
    checkPositionIndexes(dstOffset, dstOffset + count, dst.length);
    if (images != null) {
      System.arraycopy(images, from * n, dst, dstOffset, count);
      return;
    }
    int start = from * n;
    for (int i = 0; i < count; i++) {
      dst[dstOffset + i] = greyToFloat[grey.get(start + i) & 0xFF];
    }
  }

  /**
   * How grey levels become the pixel values {@link #images()} holds, for images kept as grey
   * levels (read from IDX files or an {@link ImageFolder}, whose colour images keep their red,
   * green and blue levels as bytes likewise); empty for images made from floats.
   */
  public Optional<PixelScale> pixelScale() {
    return Optional.ofNullable(scale);
  }

  /**
   * Writes the grey levels (0..255, one unsigned byte a pixel) of images {@code from}
   * (inclusive) to {@code to} (exclusive) into {@code dst} from {@code dstOffset}; only for images
   * kept as grey levels ({@link #pixelScale()} present), else an IllegalStateException.
   */
  public void copyGreyLevels(int from, int to, byte[] dst, int dstOffset) {
    if (grey == null) {
      throw new IllegalStateException("these images were made from floats and have no grey "
          + "levels; use copyImages");
    }
    checkPositionIndexes(from, to, size());
    int n = pixelsPerImage();
    int count = (to - from) * n;
    checkPositionIndexes(dstOffset, dstOffset + count, dst.length);
    grey.get(from * n, dst, dstOffset, count);
  }

  /** All labels; the array itself: do not modify. */
  public int[] labels() {
    return labels;
  }

  /** A copy of image {@code i}, row-major. */
  public float[] image(int i) {
    checkElementIndex(i, size(), "image index");
    float[] image = new float[pixelsPerImage()];
    copyImages(i, i + 1, image, 0);
    return image;
  }

  /** The class label of image {@code i}; out of range is an IndexOutOfBoundsException. */
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
    int[] subsetLabels = Arrays.copyOfRange(labels, from, to);
    if (images == null) {
      ByteBuffer part = grey.slice(from * n, (to - from) * n); // shares the bytes
      return new LabeledImages(part, scale, subsetLabels, channels, rows, cols, numClasses);
    }
    return new LabeledImages(Arrays.copyOfRange(images, from * n, to * n), subsetLabels,
        channels, rows, cols, numClasses);
  }

  @Override
  public String toString() {
    return "LabeledImages[" + size() + " images " + describeSize(channels, rows, cols) + ", "
        + numClasses + " classes]";
  }
}
