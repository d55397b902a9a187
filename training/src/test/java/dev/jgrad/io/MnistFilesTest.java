package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the loader on a tiny generated MNIST layout: 6 training and 3 test images of 2x3. */
class MnistFilesTest {
  @TempDir Path dir;

  /** Image i has pixel values i*40 + p (p = 0..5); image 0 has a 255 pixel. */
  private static IdxArray images(int n) {
    byte[] px = new byte[n * 6];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 6; p++) {
        px[i * 6 + p] = (byte) (i * 40 + p);
      }
    }
    px[5] = (byte) 255;
    return IdxArray.ofUnsignedBytes(px, n, 2, 3);
  }

  private static IdxArray labels(int... y) {
    byte[] b = new byte[y.length];
    for (int i = 0; i < y.length; i++) {
      b[i] = (byte) y[i];
    }
    return IdxArray.ofUnsignedBytes(b, y.length);
  }

  private void writeLayout(Path into, IdxArray trainLabels) throws IOException {
    IdxWriter.write(into.resolve("train-images-idx3-ubyte.gz"), images(6));
    IdxWriter.write(into.resolve("train-labels-idx1-ubyte.gz"), trainLabels);
    IdxWriter.writeUncompressed(into.resolve("t10k-images-idx3-ubyte"), images(3));
    IdxWriter.write(into.resolve("t10k-labels-idx1-ubyte.gz"), labels(9, 0, 1));
  }

  @Test
  void loadsTheFourFileLayoutWithUnitPixels() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9, 2));
    MnistDataset data = MnistFiles.load(dir);

    LabeledImages train = data.train();
    assertEquals(6, train.size());
    assertEquals(2, train.rows());
    assertEquals(3, train.cols());
    assertEquals(10, data.numClasses());
    assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2}, train.labels());
    assertArrayEquals(new float[] {0, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 1f}, train.image(0));
    assertArrayEquals(new float[] {40 / 255f, 41 / 255f, 42 / 255f, 43 / 255f, 44 / 255f,
        45 / 255f}, train.image(1));
    assertEquals(3, data.test().size());
    assertArrayEquals(new int[] {9, 0, 1}, data.test().labels());
  }

  @Test
  void unitScaleIsExactAtTheEnds() {
    assertEquals(0f, PixelScale.UNIT.apply(0));
    assertEquals(0.2f, PixelScale.UNIT.apply(51));
    assertEquals(1f, PixelScale.UNIT.apply(255));
    assertEquals(255f, PixelScale.RAW.apply(255));
  }

  @Test
  void rawScaleKeepsGreyLevels() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9, 2));
    LabeledImages train = MnistFiles.loader().pixelScale(PixelScale.RAW).load(dir).train();
    assertArrayEquals(new float[] {200, 201, 202, 203, 204, 205}, train.image(5));
    assertEquals(255f, train.images()[5]);
  }

  @Test
  void acceptsTheDotVariantOfTheNames() throws IOException {
    IdxWriter.writeUncompressed(dir.resolve("train-images.idx3-ubyte"), images(6));
    IdxWriter.write(dir.resolve("train-labels.idx1-ubyte.gz"), labels(1, 1, 1, 1, 1, 1));
    IdxWriter.write(dir.resolve("t10k-images.idx3-ubyte.gz"), images(3));
    IdxWriter.writeUncompressed(dir.resolve("t10k-labels.idx1-ubyte"), labels(2, 2, 2));
    MnistDataset data = MnistFiles.load(dir);
    assertEquals(6, data.train().size());
    assertArrayEquals(new int[] {0, 0, 3, 0, 0, 0, 0, 0, 0, 0}, data.test().classCounts());
  }

  @Test
  void missingFileIsNamedWithTheNamesTried() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9, 2));
    Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> MnistFiles.load(dir));
    assertTrue(e.getMessage().startsWith("directory " + dir + " has no test images: looked for"
        + " t10k-images-idx3-ubyte, t10k-images-idx3-ubyte.gz, t10k-images.idx3-ubyte,"
        + " t10k-images.idx3-ubyte.gz."), e.getMessage());

    NoSuchFileException notDir = assertThrows(NoSuchFileException.class,
        () -> MnistFiles.load(dir.resolve("nope")));
    assertTrue(notDir.getMessage().contains("not a directory"), notDir.getMessage());
  }

  @Test
  void countMismatchNamesBothFiles() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.load(dir));
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": count mismatch at byte 4:"
        + " declares 6 images of 2x3 but " + labels + " declares 5 labels; both files must come"
        + " from the same split of one dataset", e.getMessage());
  }

  @Test
  void lyingHeadersFailFromTheHeadersBeforeAnyDataIsRead() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9, 2));
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    // headers only: reading either file's data would fail as truncated instead
    Files.write(images, IdxReaderTest.gzip(IdxReaderTest.header(1_000_000, 28, 28)));
    Files.write(labels, IdxReaderTest.gzip(IdxReaderTest.header(60_000)));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.load(dir));
    assertEquals(images + ": count mismatch at byte 4: declares 1,000,000 images of 28x28 but "
        + labels + " declares 60,000 labels; both files must come from the same split of one"
        + " dataset", e.getMessage());

    Files.write(labels, IdxReaderTest.gzip(IdxReaderTest.header(1_000_000)));
    IdxFormatException limit = assertThrows(IdxFormatException.class,
        () -> MnistFiles.loader().maxBytes(1_000_000).load(dir));
    assertTrue(limit.getMessage().startsWith(images + ": too large at byte 4"),
        limit.getMessage());
  }

  @Test
  void labelOutOfRangeNamesFileAndOffsetUnlessClassesAreInferred() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 12, 2));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("train-labels-idx1-ubyte.gz")
        + ": label out of range at byte 12: label 12 of image 4 is outside 0..9"), e.getMessage());
    assertTrue(e.getMessage().endsWith(" (gzip file: byte offsets count the decompressed data)"),
        e.getMessage());

    MnistDataset inferred = MnistFiles.loader().inferNumClasses().load(dir);
    assertEquals(13, inferred.numClasses());
    assertEquals(13, inferred.test().numClasses());
    assertEquals(12, MnistFiles.loader().numClasses(13).load(dir).train().label(4));
    assertEquals(13, MnistFiles.loader().inferNumClasses(10).load(dir).numClasses());
  }

  @Test
  void filesPresentListsEachPartsCandidatesInTheOrderLoadReadsThem() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 3, 2));
    IdxWriter.writeUncompressed(dir.resolve("train-labels-idx1-ubyte"), labels(0, 0, 0, 0, 0, 0));
    assertEquals(List.of(List.of("train-images-idx3-ubyte.gz"),
        List.of("train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"),
        List.of("t10k-images-idx3-ubyte"), List.of("t10k-labels-idx1-ubyte.gz")),
        MnistFiles.filesPresent(dir));
    assertEquals(0, MnistFiles.load(dir).train().label(0), "the uncompressed one, listed first");
  }

  @Test
  void inferredClassesAreAtLeastTheFloorGiven() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 3, 2)); // a subset of a ten-class set: no 6..9
    IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(2, 0, 1));
    assertEquals(6, MnistFiles.loader().inferNumClasses().load(dir).numClasses());
    assertEquals(10, MnistFiles.loader().inferNumClasses(10).load(dir).numClasses());
    assertThrows(IllegalArgumentException.class, () -> MnistFiles.loader().inferNumClasses(0));
  }

  @Test
  void rejectsFilesOfTheWrongKind() throws IOException {
    writeLayout(dir, labels(5, 0, 4, 1, 9, 2));
    IdxWriter.write(dir.resolve("train-images-idx3-ubyte.gz"),
        IdxArray.ofFloats(new float[36], 6, 2, 3));
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.load(dir));
    assertTrue(e.getMessage().contains("unexpected content at byte 2: holds 6x2x3 float,"
        + " expected N x rows x cols ubyte images"), e.getMessage());
  }

  @Test
  void loadsFromClasspathResources() throws IOException {
    Path root = dir.resolve("classes");
    writeLayout(Files.createDirectories(root.resolve("mnist")), labels(3, 1, 4, 1, 5, 9));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      for (String prefix : new String[] {"/mnist/", "mnist/", "/mnist"}) {
        MnistDataset data = MnistFiles.loader().classLoader(loader).loadResources(prefix);
        assertArrayEquals(new int[] {3, 1, 4, 1, 5, 9}, data.train().labels(), prefix);
        assertEquals(3, data.test().size());
      }
      FileNotFoundException e = assertThrows(FileNotFoundException.class,
          () -> MnistFiles.loader().classLoader(loader).loadResources("/other/"));
      assertTrue(e.getMessage().startsWith("classpath folder /other/ has no training images"),
          e.getMessage());
    }
  }

  @Test
  void imagesReadFromFilesConvertRangesAsTheWholeArrayHoldsThem() throws IOException {
    writeLayout(dir, labels(3, 1, 4, 1, 5, 9));
    LabeledImages train = MnistFiles.load(dir).train();
    float[] middle = new float[2 * 6 + 1];
    train.copyImages(2, 4, middle, 1); // before images() converts everything
    float[] image4 = train.image(4);
    LabeledImages tail = train.subset(3, 6);
    float[] all = train.images();
    for (int i = 0; i < 12; i++) {
      assertEquals(all[12 + i], middle[1 + i], "pixel " + i);
    }
    assertArrayEquals(java.util.Arrays.copyOfRange(all, 24, 30), image4);
    assertArrayEquals(java.util.Arrays.copyOfRange(all, 18, 36), tail.images());
    assertArrayEquals(new int[] {1, 5, 9}, tail.labels());
    assertEquals(80 / 255f, all[12]); // image 2, pixel 0: grey level 80
    assertThrows(IndexOutOfBoundsException.class, () -> train.copyImages(5, 7, middle, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> train.copyImages(0, 3, middle, 0));
  }
}
