package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a folder of images can be wrong is one line naming the folder or file and the fix. */
class ImageFolderErrorsTest {
  @TempDir
  Path root;

  @Test
  void aMissingRootIsNamed() {
    Path missing = root.resolve("nope");
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> ImageFolder.load(missing));
    assertOneLine(e, missing + ": no such file; check the path: pass the folder that holds one "
        + "subfolder per class");
  }

  @Test
  void aRootThatIsAFileIsNamed() throws IOException {
    Path file = Files.writeString(root.resolve("f.png"), "x");
    NotDirectoryException e = assertThrows(NotDirectoryException.class,
        () -> ImageFolder.load(file));
    assertOneLine(e, file + ": not a folder; pass the folder that holds one subfolder per class");
  }

  @Test
  void aRootWithoutClassSubfoldersIsNamed() throws IOException {
    image("loose.png", 1, 1);
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertOneLine(e, root + ": no class subfolders: put each class's images in a subfolder "
        + "named after the class");
  }

  @Test
  void aClassFolderWithoutImagesIsNamed() throws IOException {
    image("cat/1.png", 1, 1);
    Files.createDirectories(root.resolve(".ipynb_checkpoints"));
    Files.writeString(root.resolve(".ipynb_checkpoints/x.txt"), "x");
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertOneLine(e, root.resolve(".ipynb_checkpoints") + ": no images: class folder "
        + "'.ipynb_checkpoints' holds no file ending in .bmp, .gif, .jpeg, .jpg, .png, .tif, .tiff "
        + "(1 other files); put the class's images in it or remove the folder");
  }

  @Test
  void aFileNoDecoderRecognisesIsNamed() throws IOException {
    image("cat/1.png", 1, 1);
    Path bad = Files.writeString(root.resolve("cat/2.png"), "GIF? no, plain text");
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertOneLine(e, bad + ": not an image: no javax.imageio decoder recognises its content");
    assertEquals(bad.toString(), e.source());
  }

  @Test
  void aTruncatedPngIsNamedWithTheDecodersMessage() throws IOException {
    int[] noise = new int[256];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (i * 167 + (i * i) % 31) & 0xFF; // hardly compressible
    }
    byte[] whole = PngBytes.png(16, 16, 8, PngBytes.GREY, noise, null, null);
    Path cut = write("cat/1.png", Arrays.copyOf(whole, whole.length / 2));
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertOneLine(e, cut + ": unreadable PNG: the decoder says: ");
    assertTrue(e.getMessage().endsWith("; the file is damaged or truncated: replace it or remove "
        + "it"), e.getMessage());
  }

  @Test
  void aTruncatedJpegIsAnErrorNotAGreyFill() throws IOException {
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    for (int i = 0; i < 64 * 64; i++) {
      noise.setRGB(i % 64, i / 64, i * 2654435761L > 0 ? (int) (i * 2654435761L) : i);
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(noise, "jpeg", jpeg));
    byte[] bytes = jpeg.toByteArray();
    Path cut = write("cat/1.jpg", Arrays.copyOf(bytes, bytes.length / 2));
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("JPEG"), e.getMessage());
    assertTrue(e.getMessage().endsWith("replace it or remove it"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void anImageLargerThanTheLimitIsRefusedFromItsHeader() throws IOException {
    image("cat/1.png", 4, 4);
    // declares 60000 x 60000 (3.6 billion pixels) but holds a few bytes: decoding would allocate
    Path huge = write("cat/2.png", header(60000, 60000));
    FileFormatException e = assertThrows(FileFormatException.class,
        () -> ImageFolder.loader().size(4, 4).load(root));
    assertOneLine(e, huge + ": image too large: 60000x60000 (width x height) is more than the "
        + "33554432 pixels an image may have (ImageFolder.loader().maxPixels(n)); shrink the "
        + "image or raise the limit");
    FileFormatException small = assertThrows(FileFormatException.class,
        () -> ImageFolder.loader().maxPixels(15).load(root));
    assertOneLine(small, root.resolve("cat/1.png") + ": image too large: 4x4");
  }

  @Test
  void anImageOfAnotherSizeNamesBothSizesAndWhatToDo() throws IOException {
    image("a/1.png", 3, 2);
    Path odd = image("b/1.png", 2, 3);
    FileFormatException e = assertThrows(FileFormatException.class, () -> ImageFolder.load(root));
    assertOneLine(e, odd + ": image of another size: 2x3 (width x height) where the folder's "
        + "images (as its first, " + root.resolve("a/1.png") + ") are 3x2; resize the images to "
        + "one size first");
    FileFormatException asked = assertThrows(FileFormatException.class,
        () -> ImageFolder.loader().size(3, 2).load(root)); // 3 rows, 2 cols: 2x3 width x height
    assertOneLine(asked, root.resolve("a/1.png") + ": image of another size: 3x2 (width x height)"
        + " where the images asked for with size(3, 2) are 2x3");
  }

  @Test
  void readImageOfAnotherSizeIsNamed() throws IOException {
    image("a/1.png", 3, 2);
    Path other = image("x/../other.png", 4, 4);
    ImageFolder folder = ImageFolder.load(root);
    FileFormatException e = assertThrows(FileFormatException.class,
        () -> folder.readImage(other));
    assertOneLine(e, other + ": image of another size: 4x4 (width x height) where the images of "
        + root + " are 3x2");
    NoSuchFileException missing = assertThrows(NoSuchFileException.class,
        () -> folder.readImage(root.resolve("gone.png")));
    assertOneLine(missing, root.resolve("gone.png") + ": no such file; check the path");
  }

  @Test
  void moreDataThanOneArrayHoldsIsRefusedBeforeDecoding() throws IOException {
    write("cat/1.png", header(40000, 20000));
    write("cat/2.png", header(40000, 20000));
    FileFormatException e = assertThrows(FileFormatException.class,
        () -> ImageFolder.loader().maxPixels(1L << 31).load(root));
    assertOneLine(e, root + ": too many images: 2 images of 3x20000x40000 are 4800000000 bytes, "
        + "more than one Java array holds (2147483639); use fewer or smaller images");
  }

  /** A PNG's signature and IHDR declaring {@code width x height}, and nothing more. */
  private static byte[] header(int width, int height) throws IOException {
    byte[] one = PngBytes.png(1, 1, 8, PngBytes.GREY, new int[1], null, null);
    byte[] head = Arrays.copyOf(one, 33);
    head[16] = (byte) (width >>> 24);
    head[17] = (byte) (width >>> 16);
    head[18] = (byte) (width >>> 8);
    head[19] = (byte) width;
    head[20] = (byte) (height >>> 24);
    head[21] = (byte) (height >>> 16);
    head[22] = (byte) (height >>> 8);
    head[23] = (byte) height;
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(head, 12, 17);
    long c = crc.getValue();
    head[29] = (byte) (c >>> 24);
    head[30] = (byte) (c >>> 16);
    head[31] = (byte) (c >>> 8);
    head[32] = (byte) c;
    return head;
  }

  private static void assertOneLine(Exception e, String start) {
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private Path image(String name, int width, int height) throws IOException {
    return write(name, PngBytes.png(width, height, 8, PngBytes.GREY, new int[width * height],
        null, null));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = root.resolve(name).normalize();
    Files.createDirectories(f.getParent());
    return Files.write(f, bytes);
  }
}
