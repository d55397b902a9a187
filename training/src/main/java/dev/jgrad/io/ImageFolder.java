package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labelled images read from a folder with one subfolder per class, as PyTorch's
 * {@code torchvision.datasets.ImageFolder} reads it ({@code root/cat/001.png},
 * {@code root/dog/xyz.jpg}), with the same class indices, order and pixel values:
 *
 * <ul>
 *   <li>Classes are the subfolders' names sorted (by code point, as Python sorts); each class's
 *       images are the files below its folder (nested folders too) whose names end in one of
 *       {@link #EXTENSIONS}, ignoring case, folder by folder and sorted by name. Other files are
 *       skipped and counted ({@link #skippedFiles()}). The same folder gives the same data set,
 *       bit for bit, on every machine.
 *   <li>Images are RGB by default, three channels first as {@code ToTensor()} lays them out
 *       ({@code [3, rows, cols]} a row of {@code Dataset.ofImages}); {@code channels(1)} gives
 *       grey levels as {@code transforms.Grayscale()} computes them (PIL's {@code convert('L')}).
 *       Values are the file's levels / 255 ({@link PixelScale#UNIT}), kept as one byte a value
 *       until used ({@link LabeledImages}). How palettes, alpha and 16-bit files are read:
 *       {@code ImageLevels}, in short: as PIL does, but 16-bit grey keeps its high byte where
 *       PIL clips it to 255.
 *   <li>Every image must have one size: the first image's, or the one {@code size(rows, cols)}
 *       asks for. An image of another size is an error naming it; resize the images first.
 * </ul>
 *
 * <pre>{@code
 * ImageFolder pets = ImageFolder.load(Path.of("data/pets"));               // RGB, [0, 1]
 * ImageFolder digits = ImageFolder.loader().channels(1).size(28, 28).load(Path.of("data/digits"));
 * Dataset train = Dataset.ofImages(pets.images());                         // [n, 3 * rows * cols]
 * String name = pets.className(label);                                     // "cat"
 * float[] x = pets.readImage(Path.of("new.jpg"));                          // as the training set's
 * float[] y = ImageFolder.loader().size(32, 32).readImage(Path.of("new.jpg")); // without a folder
 * }</pre>
 *
 * <p>GIF ({@code .gif}, first frame) is read too, though torchvision's filter skips it; a folder
 * with GIFs in it has more images here than there. Every problem is one line naming the folder or
 * file and what to do: a missing root or one that is not a folder, no class subfolders, a class
 * folder without images, a file no decoder reads or a damaged one (with the decoder's message),
 * an image larger than {@link Loader#maxPixels} (checked from its header, before decoding), one
 * of another size, and more data than one Java array holds.
 */
public final class ImageFolder {
  /**
   * File name endings read as images, in lower case: those of torchvision's IMG_EXTENSIONS that
   * the JDK decodes, and GIF.
   */
  public static final List<String> EXTENSIONS =
      List.of(".bmp", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff");
  /** The most pixels (width x height) an image may have by default: 32 Mi, e.g. 8192 x 4096. */
  public static final long DEFAULT_MAX_PIXELS = 1L << 25;
  /** The most bytes one Java array holds. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final Logger log = LoggerFactory.getLogger(ImageFolder.class);

  private final Path root;
  private final LabeledImages images;
  private final List<String> classes;
  private final List<Path> files;
  private final int skippedFiles;
  private final long maxPixels;

  private ImageFolder(Path root, LabeledImages images, List<String> classes, List<Path> files,
      int skippedFiles, long maxPixels) {
    this.root = root;
    this.images = images;
    this.classes = classes;
    this.files = files;
    this.skippedFiles = skippedFiles;
    this.maxPixels = maxPixels;
  }

  /** Reads {@code root} as RGB images of the first image's size, values in [0, 1]. */
  public static ImageFolder load(Path root) throws IOException {
    return loader().load(root);
  }

  /** A loader with the defaults (RGB, the first image's size, {@link PixelScale#UNIT}). */
  public static Loader loader() {
    return new Loader();
  }

  /**
   * The images and their labels: label {@code i} is class {@code classes().get(i)}. Values one
   * byte each, converted when read; {@code Dataset.ofImages(images())} trains on them.
   */
  public LabeledImages images() {
    return images;
  }

  /** The class names, sorted: index = label, torchvision's {@code classes}. */
  public List<String> classes() {
    return classes;
  }

  /** The name of class {@code label}, e.g. to print a prediction. */
  public String className(int label) {
    checkElementIndex(label, classes.size(), "label");
    return classes.get(label);
  }

  /** The image files in the order of {@link #images()}: file {@code i} is image {@code i}. */
  public List<Path> files() {
    return files;
  }

  /** How many files in the class folders were skipped, their names not ending in an image's. */
  public int skippedFiles() {
    return skippedFiles;
  }

  /**
   * Reads one more image as the folder's were read (channels, size, scale), e.g. to predict its
   * class: {@code images().pixelsPerImage()} values, channels first. Another size is an error
   * naming the file and the size it needs.
   */
  public float[] readImage(Path file) throws IOException {
    return readValues(file, images.channels(), images.rows(), images.cols(), maxPixels,
        images.pixelScale().orElseThrow(), "the images of " + root);
  }

  @Override
  public String toString() {
    return "ImageFolder[" + root + ": " + images + ", classes " + classes
        + (skippedFiles > 0 ? ", " + skippedFiles + " files skipped" : "") + "]";
  }

  /**
   * {@code file}'s values as a folder of such images holds them: {@code channels * rows * cols}
   * levels scaled by {@code scale}; another size is an error naming {@code sizeOf}.
   */
  private static float[] readValues(Path file, int channels, int rows, int cols, long maxPixels,
      PixelScale scale, String sizeOf) throws IOException {
    checkNotNull(file, "file is null");
    byte[] levels = new byte[channels * rows * cols];
    readInto(file, channels, rows, cols, maxPixels, sizeOf, levels, 0);
    float[] values = new float[levels.length];
    for (int i = 0; i < levels.length; i++) {
      values[i] = scale.apply(levels[i] & 0xFF);
    }
    return values;
  }

  /**
   * Decodes {@code file}, checks that it is {@code rows x cols} (else names {@code sizeOf}, what
   * set that size) and writes its levels at {@code dst[offset...]}.
   */
  private static void readInto(Path file, int channels, int rows, int cols, long maxPixels,
      String sizeOf, byte[] dst, int offset) throws IOException {
    try (ImageFile image = ImageFile.open(file, maxPixels)) {
      if (image.height() != rows || image.width() != cols) {
        throw new FileFormatException(file.toString(), -1, "image of another size",
            image.width() + "x" + image.height() + " (width x height) where " + sizeOf + " are "
                + cols + "x" + rows + "; resize the images to one size first");
      }
      ImageLevels.write(image.decode(), channels, dst, offset);
    }
  }

  /** Loading options; each setter returns this loader. Not thread-safe. */
  public static final class Loader {
    private int channels = 3;
    private int rows; // 0: the first image's
    private int cols;
    private PixelScale pixelScale = PixelScale.UNIT;
    private long maxPixels = DEFAULT_MAX_PIXELS;

    private Loader() {}

    /** 3 (default): RGB, as torchvision's loader; 1: grey levels, as its {@code Grayscale()}. */
    public Loader channels(int channels) {
      checkArgument(channels == 1 || channels == 3, "channels is %s; pass 1 (grey) or 3 (RGB)",
          channels);
      this.channels = channels;
      return this;
    }

    /** The size every image must have; default the first image's. */
    public Loader size(int rows, int cols) {
      checkArgument(rows >= 1 && cols >= 1, "size(%s, %s): rows and cols must be >= 1", rows,
          cols);
      this.rows = rows;
      this.cols = cols;
      return this;
    }

    /** How levels become floats; default {@link PixelScale#UNIT}, {@code ToTensor()}'s / 255. */
    public Loader pixelScale(PixelScale scale) {
      this.pixelScale = checkNotNull(scale, "pixel scale is null; pass UNIT or RAW");
      return this;
    }

    /**
     * The most pixels (width x height) an image may have, checked from its header before it is
     * decoded; default {@link #DEFAULT_MAX_PIXELS}.
     */
    public Loader maxPixels(long maxPixels) {
      checkArgument(maxPixels >= 1, "maxPixels is %s; pass the most pixels an image may have",
          maxPixels);
      this.maxPixels = maxPixels;
      return this;
    }

    /**
     * Reads one image as {@link #load} reads each of a folder's with these settings, without a
     * folder: what a service needs to predict a new image for a model trained on an
     * {@code ImageFolder} ({@code readImage} of the loaded folder gives the same values).
     * {@link #size} is needed, the size the model was trained on; an image of another size is an
     * error naming the file. {@code channels * rows * cols} values, channels first.
     *
     * <pre>{@code
     * float[] x = ImageFolder.loader().size(32, 32).readImage(Path.of("new.png"));  // RGB
     * }</pre>
     */
    public float[] readImage(Path file) throws IOException {
      checkArgument(rows > 0, "readImage(%s): no size; give the size the model was trained on "
          + "first, e.g. ImageFolder.loader().size(32, 32).readImage(file)", file);
      return readValues(file, channels, rows, cols, maxPixels, pixelScale,
          "the images asked for with size(" + rows + ", " + cols + ")");
    }

    /** Reads the images below {@code root}. */
    public ImageFolder load(Path root) throws IOException {
      checkNotNull(root, "root is null; pass the folder that holds one subfolder per class");
      ImageFolderListing listing = ImageFolderListing.of(root, EXTENSIONS);
      int n = listing.files.size();
      int r = rows;
      int c = cols;
      String sizeOf = "the images asked for with size(" + rows + ", " + cols + ")";
      if (r == 0) {
        Path first = listing.files.get(0);
        try (ImageFile image = ImageFile.open(first, maxPixels)) {
          r = image.height();
          c = image.width();
        }
        sizeOf = "the folder's images (as its first, " + first + ")";
      }
      long perImage = (long) channels * r * c;
      if (n * perImage > MAX_ARRAY) {
        throw new FileFormatException(root.toString(), -1, "too many images", n + " images of "
            + channels + "x" + r + "x" + c + " are " + n * perImage + " bytes, more than one "
            + "Java array holds (" + MAX_ARRAY + "); use fewer or smaller images (resize them)");
      }
      byte[] levels = new byte[(int) (n * perImage)];
      for (int i = 0; i < n; i++) {
        readInto(listing.files.get(i), channels, r, c, maxPixels, sizeOf, levels,
            (int) (i * perImage));
      }
      LabeledImages images = new LabeledImages(ByteBuffer.wrap(levels), pixelScale,
          listing.labels, channels, r, c, listing.classes.size());
      ImageFolder folder = new ImageFolder(root, images, listing.classes, listing.files,
          listing.skipped, maxPixels);
      if (listing.skipped > 0) {
        log.info("{}: {} files skipped, their names not ending in {}", root, listing.skipped,
            String.join(", ", EXTENSIONS));
      }
      return folder;
    }
  }
}
