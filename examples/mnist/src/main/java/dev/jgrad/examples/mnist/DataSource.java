package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.io.MnistDataset;
import dev.jgrad.io.MnistFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data {@code --dataset} names: the MNIST subset embedded in the jar ({@code mnist-embedded}),
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it ({@code fashion-mnist}), or
 * a directory of the four MNIST-format IDX files. {@link #title()} is the name that charts and
 * log lines show.
 *
 * <pre>{@code
 * DataSource d = DataSource.parse("fashion-mnist");
 * MnistDataset data = d.load();   // fails naming the package to install when it is missing
 * }</pre>
 */
public final class DataSource {
  public static final String EMBEDDED_NAME = "mnist-embedded";
  public static final String FASHION_NAME = "fashion-mnist";
  /** Where Debian's {@code dataset-fashion-mnist} puts the four files. */
  public static final Path FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** A system property that moves {@link #FASHION_DIR} (another install, tests). */
  public static final String FASHION_DIR_PROPERTY = "jgrad.fashion-mnist.dir";
  static final String FASHION_PACKAGE = "dataset-fashion-mnist";

  private static final Logger log = LoggerFactory.getLogger(DataSource.class);
  private static final DataSource EMBEDDED = new DataSource(EMBEDDED_NAME, null, "MNIST");

  /** {@code --dataset}'s value as given. */
  private final String name;
  /** Null for the embedded subset. */
  private final Path dir;
  private final String title;

  private DataSource(String name, Path dir, String title) {
    this.name = name;
    this.dir = dir;
    this.title = title;
  }

  /** The embedded 8,000/2,000-image MNIST subset, the default. */
  public static DataSource embedded() {
    return EMBEDDED;
  }

  /** {@code mnist-embedded}, {@code fashion-mnist} (case-insensitive) or a directory. */
  public static DataSource parse(String value) {
    checkNotNull(value, "data set is null; pass %s, %s or a directory", EMBEDDED_NAME,
        FASHION_NAME);
    String key = value.trim();
    if (key.equalsIgnoreCase(EMBEDDED_NAME)) {
      return EMBEDDED;
    }
    if (key.equalsIgnoreCase(FASHION_NAME)) {
      return fashionMnist(Path.of(System.getProperty(FASHION_DIR_PROPERTY,
          FASHION_DIR.toString())));
    }
    Path dir = Path.of(value);
    Path file = dir.toAbsolutePath().normalize().getFileName();
    return new DataSource(value, dir, file == null ? value : file.toString());
  }

  /** Fashion-MNIST read from {@code dir} instead of {@link #FASHION_DIR}. */
  static DataSource fashionMnist(Path dir) {
    return new DataSource(FASHION_NAME, dir, "Fashion-MNIST");
  }

  /** The directory read, or null for the embedded subset. */
  public Path dir() {
    return dir;
  }

  /** The data set's name in charts and log lines: MNIST, Fashion-MNIST or the directory's name. */
  public String title() {
    return title;
  }

  /**
   * Loads the four files. A missing Fashion-MNIST fails with one line naming the package to
   * install; a missing or incomplete directory with {@link MnistFiles}' message naming the file.
   */
  public MnistDataset load() throws IOException {
    if (dir == null) {
      return MnistFiles.loadResources(MnistTraining.EMBEDDED);
    }
    if (name.equals(FASHION_NAME) && !Files.isDirectory(dir)) {
      throw new FileNotFoundException("--dataset " + FASHION_NAME + ": " + dir + " does not"
          + " exist; install it with 'apt-get install " + FASHION_PACKAGE + "' (Debian, Ubuntu)"
          + " or pass --dataset DIR with the four Fashion-MNIST IDX files");
    }
    if (!Files.exists(dir) && dir.getNameCount() == 1) { // "mnist", "fashion": meant a name?
      throw new FileNotFoundException("--dataset " + name + ": '" + name + "' is neither a data"
          + " set name (" + EMBEDDED_NAME + ", " + FASHION_NAME + ") nor an existing directory;"
          + " give one of those names or the directory of the four IDX files");
    }
    logFilesRead(dir);
    // labels above 9 (EMNIST letters, balanced): as many classes as the labels say; data sets of
    // ten classes keep the ten outputs they had, even when a subset lacks a class
    if (name.equals(FASHION_NAME)) {
      return MnistFiles.load(dir); // ten classes: a label above 9 is a damaged file
    }
    MnistDataset data = MnistFiles.loader().inferNumClasses(10).load(dir);
    if (data.numClasses() > 10) {
      log.info("labels up to {}: {} classes, inferred from the labels", data.numClasses() - 1,
          data.numClasses());
    }
    return data;
  }

  /**
   * Logs which of each part's file names {@link MnistFiles} reads ({@link
   * MnistFiles#filesPresent}), and warns when a part has more than one: a stale
   * uncompressed copy beside the {@code .gz} would otherwise be read silently.
   */
  private static void logFilesRead(Path dir) {
    if (!Files.isDirectory(dir)) {
      return; // MnistFiles says what is wrong
    }
    List<String> read = new ArrayList<>();
    for (List<String> present : MnistFiles.filesPresent(dir)) {
      if (present.size() > 1) {
        log.warn("{} holds {}; reading {}; delete the other{} if it is stale", dir,
            String.join(" and ", present), present.get(0), present.size() > 2 ? "s" : "");
      }
      if (!present.isEmpty()) {
        read.add(present.get(0));
      }
    }
    log.info("reading {} from {}", String.join(", ", read), dir);
  }

  /** {@code --dataset}'s value: the name, or the directory as given. */
  @Override
  public String toString() {
    return name;
  }
}
