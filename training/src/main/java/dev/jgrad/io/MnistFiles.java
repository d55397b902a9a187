package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads MNIST-style datasets (MNIST, Fashion-MNIST, EMNIST) from the standard four IDX files, in a
 * directory or on the classpath:
 *
 * <pre>
 *   train-images-idx3-ubyte[.gz]   train-labels-idx1-ubyte[.gz]
 *   t10k-images-idx3-ubyte[.gz]    t10k-labels-idx1-ubyte[.gz]
 * </pre>
 *
 * <p>The dot variant of the names ({@code train-images.idx3-ubyte}, as some mirrors ship them) is
 * accepted too; where several variants exist the uncompressed one is read. The loader checks that
 * every file exists, that images are rank-3 ubyte and labels rank-1 ubyte, that each split has as
 * many labels as images (from the headers, before reading the data), that no file declares more
 * than a limit ({@link Loader#maxBytes}), and that labels are below the number of classes; errors
 * name the file.
 *
 * <pre>{@code
 * MnistDataset mnist = MnistFiles.load(Path.of("data/mnist"));        // pixels in [0, 1]
 * float[] x = mnist.train().images();                                  // 60000 * 784
 * int[] y = mnist.train().labels();                                    // 0..9
 *
 * MnistDataset subset = MnistFiles.loadResources("/mnist/");           // embedded in a jar
 * MnistDataset emnist = MnistFiles.loader()
 *     .pixelScale(PixelScale.RAW).inferNumClasses().load(Path.of("data/emnist-balanced"));
 * }</pre>
 *
 * <p>EMNIST stores its images transposed (column-major); transpose them if orientation matters.
 */
public final class MnistFiles {
  /** Number of classes the default loader expects: the ten digits. */
  public static final int MNIST_CLASSES = 10;

  private MnistFiles() {}

  /** Loads the dataset in {@code dir} with pixels in [0, 1] and labels checked to be 0..9. */
  public static MnistDataset load(Path dir) throws IOException {
    return loader().load(dir);
  }

  /**
   * Loads the dataset from classpath resources under {@code prefix} (e.g. {@code "/mnist/"}),
   * with pixels in [0, 1] and labels checked to be 0..9, through the thread's context class
   * loader.
   */
  public static MnistDataset loadResources(String prefix) throws IOException {
    return loader().loadResources(prefix);
  }

  /**
   * For each of the four files (training images, training labels, test images, test labels), the
   * names of its candidates present in {@code dir}, in the order {@link #load} prefers them: the
   * first is the one it reads; more than one means a stale copy may sit beside it.
   */
  public static List<List<String>> filesPresent(Path dir) {
    checkNotNull(dir, "dir is null");
    List<List<String>> parts = new ArrayList<>();
    for (Part part : Part.values()) {
      List<String> present = new ArrayList<>();
      for (String name : part.candidateNames()) {
        if (Files.isRegularFile(dir.resolve(name))) {
          present.add(name);
        }
      }
      parts.add(List.copyOf(present));
    }
    return List.copyOf(parts);
  }

  /** A loader with the defaults ({@link PixelScale#UNIT}, 10 classes) to adjust. */
  public static Loader loader() {
    return new Loader();
  }

  /** Loading options; each setter returns this loader. Not thread-safe. */
  public static final class Loader {
    private PixelScale pixelScale = PixelScale.UNIT;
    private int numClasses = MNIST_CLASSES; // 0: infer from the labels
    private int atLeastClasses = 1; // when inferring
    private ClassLoader classLoader;
    private long maxBytes = IdxReader.DEFAULT_MAX_BYTES;

    private Loader() {}

    /** How grey levels become floats; default {@link PixelScale#UNIT} (0..1). */
    public Loader pixelScale(PixelScale scale) {
      this.pixelScale = checkNotNull(scale, "pixel scale is null; pass UNIT or RAW");
      return this;
    }

    /** The number of classes; labels must lie in {@code 0..numClasses-1}. Default 10. */
    public Loader numClasses(int numClasses) {
      checkArgument(numClasses >= 1, "numClasses is %s; pass the number of classes (>= 1)",
          numClasses);
      this.numClasses = numClasses;
      return this;
    }

    /** Takes the number of classes from the data: the largest label of both splits plus one. */
    public Loader inferNumClasses() {
      return inferNumClasses(1);
    }

    /**
     * Takes the number of classes from the data, but at least {@code atLeast}: a subset of a
     * ten-class set that lacks its last class keeps ten outputs, while labels above 9 (EMNIST's)
     * give as many classes as they need.
     */
    public Loader inferNumClasses(int atLeast) {
      checkArgument(atLeast >= 1, "atLeast is %s; pass the fewest classes to infer (>= 1)",
          atLeast);
      this.numClasses = 0;
      this.atLeastClasses = atLeast;
      return this;
    }

    /**
     * The most data one file may declare, checked before its data is read; default {@link
     * IdxReader#DEFAULT_MAX_BYTES} (1 GiB).
     */
    public Loader maxBytes(long maxBytes) {
      checkArgument(maxBytes > 0, "maxBytes is %s; pass the most bytes of data a file may hold",
          maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /** The class loader {@link #loadResources} searches; default the thread's context loader. */
    public Loader classLoader(ClassLoader loader) {
      this.classLoader = checkNotNull(loader, "class loader is null");
      return this;
    }

    /** Loads the four files in {@code dir}. */
    public MnistDataset load(Path dir) throws IOException {
      checkNotNull(dir, "dir is null; pass the directory that holds the MNIST files");
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null,
            "not a directory; pass the directory that holds train-images-idx3-ubyte.gz and the"
                + " other MNIST files");
      }
      return loadAll(name -> {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? new Source(file.toString(), () ->
            Files.newInputStream(file)) : null;
      }, "directory " + dir);
    }

    /** Loads the four files from classpath resources under {@code prefix}, e.g. "/mnist/". */
    public MnistDataset loadResources(String prefix) throws IOException {
      checkNotNull(prefix, "prefix is null; pass the resource folder, e.g. \"/mnist/\"");
      // ClassLoader resource names have no leading slash; accept the Class.getResource style.
      String folder = prefix.startsWith("/") ? prefix.substring(1) : prefix;
      String normalized = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
      ClassLoader loader = classLoader != null ? classLoader
          : Thread.currentThread().getContextClassLoader() != null
              ? Thread.currentThread().getContextClassLoader()
              : MnistFiles.class.getClassLoader();
      return loadAll(name -> {
        URL url = loader.getResource(normalized + name);
        return url == null ? null : new Source("classpath:/" + normalized + name, url::openStream);
      }, "classpath folder /" + normalized);
    }

    private MnistDataset loadAll(Locator locator, String where) throws IOException {
      Named[] trainFiles = readSplit(locator, Part.TRAIN_IMAGES, Part.TRAIN_LABELS, where);
      Named[] testFiles = readSplit(locator, Part.TEST_IMAGES, Part.TEST_LABELS, where);
      Named trainImages = trainFiles[0];
      Named trainLabels = trainFiles[1];
      Named testImages = testFiles[0];
      Named testLabels = testFiles[1];
      int classes = numClasses;
      if (classes == 0) {
        classes = Math.max(atLeastClasses, Math.max(max(trainLabels), max(testLabels)) + 1);
      }
      LabeledImages train = split(trainImages, trainLabels, classes);
      LabeledImages test = split(testImages, testLabels, classes);
      if (train.rows() != test.rows() || train.cols() != test.cols()) {
        throw new IdxFormatException(testImages.source(), 8, "image size mismatch",
            "test images are " + test.rows() + "x" + test.cols() + " but the training images ("
                + trainImages.source() + ") are " + train.rows() + "x" + train.cols()
                + "; use files of one dataset");
      }
      return new MnistDataset(train, test);
    }

    private LabeledImages split(Named imagesFile, Named labelsFile, int classes)
        throws IdxFormatException {
      IdxArray images = imagesFile.array();
      IdxArray labels = labelsFile.array();
      int[] y = labels.toIntArray();
      for (int i = 0; i < y.length; i++) {
        if (y[i] >= classes) {
          throw new IdxFormatException(labelsFile.source(), 8 + i, "label out of range",
              "label " + y[i] + " of image " + i + " is outside 0.." + (classes - 1)
                  + "; for datasets with more classes use MnistFiles.loader().numClasses(n) or"
                  + " .inferNumClasses()"
                  + IdxReader.decompressedNote(labelsFile.source().endsWith(".gz")));
        }
      }
      // ubyte: one byte per pixel, kept as it is (no copy) and converted when read
      return new LabeledImages(images.bigEndianView(), pixelScale, y, 1, images.dim(1),
          images.dim(2), classes);
    }

    /**
     * Reads the images and labels of one split, headers first: the counts they declare are
     * checked against each other and the limit before either file's data is read, so a lying
     * header fails fast instead of inflating gigabytes.
     */
    private Named[] readSplit(Locator locator, Part imagesPart, Part labelsPart, String where)
        throws IOException {
      Source imagesSource = find(locator, imagesPart, where);
      Source labelsSource = find(locator, labelsPart, where);
      try (InputStream imagesIn = imagesSource.opener().open();
          InputStream labelsIn = labelsSource.opener().open()) {
        IdxReader.Opened images = header(imagesIn, imagesSource, imagesPart);
        IdxReader.Opened labels = header(labelsIn, labelsSource, labelsPart);
        if (images.dim(0) != labels.dim(0)) {
          throw new IdxFormatException(images.source(), 4, "count mismatch", String.format(
              Locale.ROOT, "declares %,d images of %dx%d but %s declares %,d labels; both files"
                  + " must come from the same split of one dataset", images.dim(0),
              images.dim(1), images.dim(2), labels.source(), labels.dim(0)));
        }
        return new Named[] {new Named(images.readData(), images.source()),
            new Named(labels.readData(), labels.source())};
      }
    }

    private IdxReader.Opened header(InputStream in, Source source, Part part)
        throws IOException {
      IdxReader.Opened opened = IdxReader.open(in, source.name(), maxBytes);
      boolean images = part.rank == 3;
      if (opened.type() != IdxType.UBYTE || opened.rank() != part.rank) {
        throw new IdxFormatException(source.name(), 2, "unexpected content",
            "holds " + opened.describe() + ", expected " + (images ? "N x rows x cols" : "N")
                + " ubyte " + (images ? "images" : "labels") + " (magic number 0x0000080"
                + part.rank + ")");
      }
      return opened;
    }
  }

  private static int max(Named labels) {
    int max = 0;
    for (int y : labels.array().toIntArray()) {
      max = Math.max(max, y);
    }
    return max;
  }

  private static Source find(Locator locator, Part part, String where) throws IOException {
    List<String> tried = new ArrayList<>();
    for (String name : part.candidateNames()) {
      tried.add(name);
      Source source = locator.find(name);
      if (source != null) {
        return source;
      }
    }
    throw new FileNotFoundException(where + " has no " + part.description + ": looked for "
        + String.join(", ", tried) + ". Download the dataset (e.g. MNIST from"
        + " https://yann.lecun.com/exdb/mnist/ or a mirror) into it, or pass the folder that"
        + " holds these files");
  }

  /** The four files of the layout. */
  private enum Part {
    TRAIN_IMAGES("train-images", 3, "training images"),
    TRAIN_LABELS("train-labels", 1, "training labels"),
    TEST_IMAGES("t10k-images", 3, "test images"),
    TEST_LABELS("t10k-labels", 1, "test labels");

    final String stem;
    final int rank;
    final String description;

    Part(String stem, int rank, String description) {
      this.stem = stem;
      this.rank = rank;
      this.description = description;
    }

    /** Uncompressed before gzip, standard before the dot variant. */
    List<String> candidateNames() {
      String standard = stem + "-idx" + rank + "-ubyte";
      String dotted = stem + ".idx" + rank + "-ubyte";
      return List.of(standard, standard + ".gz", dotted, dotted + ".gz");
    }
  }

  /** Finds a file by name, or returns null. */
  @FunctionalInterface
  private interface Locator {
    Source find(String name) throws IOException;
  }

  @FunctionalInterface
  private interface Opener {
    InputStream open() throws IOException;
  }

  private record Source(String name, Opener opener) {}

  /** An array and the file it came from, for error messages. */
  private record Named(IdxArray array, String source) {}
}
