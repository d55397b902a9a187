package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes and files come in torchvision's order, so labels and samples match a PyTorch user's. */
class ImageFolderOrderTest {
  @TempDir
  Path root;

  @Test
  void classesAreTheSubfoldersSortedByCodePoint() throws IOException {
    for (String name : new String[] {"dog", "Cat", "ant", "b_x", "b-x"}) {
      image(name + "/1.png", 0);
    }
    Files.writeString(root.resolve("README.txt"), "not a class");
    ImageFolder folder = ImageFolder.load(root);
    assertEquals(List.of("Cat", "ant", "b-x", "b_x", "dog"), folder.classes());
    assertEquals("b_x", folder.className(3));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, folder.images().labels());
    assertEquals(5, folder.images().numClasses());
  }

  @Test
  void filesComeFolderByFolderAsSortedOsWalkGivesThem() throws IOException {
    // os.walk sorted by path: "cat", "cat/a", "cat/a-b" ('-' < '/'), "cat/a/b"; a depth-first
    // walk would give cat/a/b before cat/a-b
    String[] names = {"a/b/1.png", "a-b/1.png", "a/1.png", "Z.png", "2.png", "10.png"};
    for (int i = 0; i < names.length; i++) {
      image("cat/" + names[i], i);
    }
    ImageFolder folder = ImageFolder.loader().channels(1).pixelScale(PixelScale.RAW).load(root);
    List<String> order = new ArrayList<>();
    for (Path f : folder.files()) {
      order.add(root.resolve("cat").relativize(f).toString());
    }
    assertEquals(List.of("10.png", "2.png", "Z.png", "a/1.png", "a-b/1.png", "a/b/1.png"), order);
    // image i holds level i of the file it was read from
    assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0}, folder.images().images());
  }

  @Test
  void otherFilesAreSkippedAndCountedAndExtensionsIgnoreCase() throws IOException {
    image("a/1.PNG", 1);
    image("a/2.Png", 2);
    Files.writeString(root.resolve("a/notes.txt"), "x");
    Files.writeString(root.resolve("a/.DS_Store"), "x");
    Files.writeString(root.resolve("a/3.png.bak"), "x");
    ImageFolder folder = ImageFolder.load(root);
    assertEquals(2, folder.images().size());
    assertEquals(3, folder.skippedFiles());
    assertTrue(folder.toString().contains("3 files skipped"), folder.toString());
  }

  @Test
  void classesAboveTheBasicPlaneSortAsPythonSortsThem() throws IOException {
    assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
        "file names outside ASCII need a UTF-8 file system encoding");
    String fullwidthA = "\uFF21";           // U+FF21
    String mathScriptA = "\uD835\uDC9C";    // U+1D49C: before U+FF21 in Java's UTF-16 order
    image(mathScriptA + "/1.png", 0);
    image(fullwidthA + "/1.png", 0);
    image("z/1.png", 0);
    assertEquals(List.of("z", fullwidthA, mathScriptA), ImageFolder.load(root).classes());
  }

  @Test
  void pythonOrderComparesCodePointsNotUtf16Units() {
    String fullwidthA = "\uFF21";           // U+FF21
    String mathScriptA = "\uD835\uDC9C";    // U+1D49C, a surrogate pair in Java
    assertTrue(mathScriptA.compareTo(fullwidthA) < 0, "Java's order, which Python's is not");
    assertTrue(ImageFolderListing.PYTHON_ORDER.compare(fullwidthA, mathScriptA) < 0);
    assertTrue(ImageFolderListing.PYTHON_ORDER.compare("ab", "abc") < 0);
    assertEquals(0, ImageFolderListing.PYTHON_ORDER.compare("x\uD835\uDC9C", "x\uD835\uDC9C"));
  }

  @Test
  void theSameFolderGivesTheSameBytes() throws IOException {
    for (int i = 0; i < 6; i++) {
      image((i % 2 == 0 ? "even" : "odd") + "/" + i + ".png", 40 * i);
    }
    ImageFolder a = ImageFolder.load(root);
    ImageFolder b = ImageFolder.load(root);
    assertArrayEquals(a.images().images(), b.images().images());
    assertArrayEquals(a.images().labels(), b.images().labels());
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, a.images().labels());
  }

  /** A 1x1 grey PNG of {@code level} at {@code name} below the root. */
  private void image(String name, int level) throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    Files.write(f, PngBytes.png(1, 1, 8, PngBytes.GREY, new int[] {level}, null, null));
  }
}
