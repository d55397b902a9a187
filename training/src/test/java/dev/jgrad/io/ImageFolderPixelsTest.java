package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of pixel a folder's files hold is read as PIL's {@code convert('RGB')} (and
 * {@code convert('L')} for one channel) gives it, exactly; the files are written byte by byte
 * ({@link PngBytes}) so the expected levels are known.
 */
class ImageFolderPixelsTest {
  @TempDir
  Path root;

  /** 2x3 (width x height) RGB pixels; the grey levels below are PIL's L24 of each. */
  private static final int[] RGB_SAMPLES = {
      255, 0, 0, /**/ 0, 255, 0,
      0, 0, 255, /**/ 100, 150, 200,
      1, 1, 1, /**/ 255, 255, 255};
  /** Hand-computed: (R 19595 + G 38470 + B 7471 + 32768) >> 16; green is 150 (299/1000: 149). */
  private static final int[] RGB_AS_GREY = {76, 150, 29, 141, 1, 255};

  @Test
  void pilsLumaRoundsAsPilDoesNotAsThousandthsTruncate() {
    assertEquals(76, ImageLevels.luma(255, 0, 0));
    assertEquals(150, ImageLevels.luma(0, 255, 0)); // 255 * 587 / 1000 = 149.685
    assertEquals(29, ImageLevels.luma(0, 0, 255));
    assertEquals(141, ImageLevels.luma(100, 150, 200)); // 140.75
    for (int v = 0; v < 256; v++) {
      assertEquals(v, ImageLevels.luma(v, v, v), "a grey pixel keeps its level");
    }
  }

  @Test
  void rgbPngIsReadChannelsFirstExactly() throws IOException {
    write("c/a.png", PngBytes.png(2, 3, 8, PngBytes.RGB, RGB_SAMPLES, null, null));
    LabeledImages rgb = ImageFolder.load(root).images();
    assertEquals(3, rgb.channels());
    assertEquals(3, rgb.rows());
    assertEquals(2, rgb.cols());
    assertLevels(new int[] {
        255, 0, 0, 100, 1, 255,    // red plane, row-major
        0, 255, 0, 150, 1, 255,    // green
        0, 0, 255, 200, 1, 255},   // blue
        rgb);
    assertLevels(RGB_AS_GREY, grey());
  }

  @Test
  void greyPngIsReadFromTheRasterNotThroughGetRgb() throws IOException {
    int[] levels = {0, 1, 50, 100, 128, 200, 254, 255};
    write("c/a.png", PngBytes.png(4, 2, 8, PngBytes.GREY, levels, null, null));
    assertLevels(levels, grey());
    // getRGB would give the linear-grey conversion's values: 50 -> 124 or so
    BufferedImage decoded = ImageIO.read(root.resolve("c/a.png").toFile());
    assertTrue((decoded.getRGB(2, 0) & 0xFF) != 50, "the gotcha this test guards against");
    LabeledImages rgb = ImageFolder.load(root).images();
    int[] replicated = new int[24];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(levels, 0, replicated, c * 8, 8);
    }
    assertLevels(replicated, rgb);
  }

  @Test
  void greyOfFewerBitsIsScaledAsPilUnpacksIt() throws IOException {
    write("one/a.png", PngBytes.png(4, 1, 1, PngBytes.GREY, new int[] {0, 1, 1, 0}, null, null));
    write("two/a.png", PngBytes.png(4, 1, 2, PngBytes.GREY, new int[] {0, 1, 2, 3}, null, null));
    write("four/a.png", PngBytes.png(4, 1, 4, PngBytes.GREY, new int[] {0, 5, 10, 15}, null,
        null));
    LabeledImages grey = grey(); // classes sorted: four, one, two
    assertLevels(new int[] {0, 85, 170, 255, 0, 255, 255, 0, 0, 85, 170, 255}, grey);
  }

  @Test
  void greyOfFewerBitsInAComponentModelIsScaledToo() {
    // PNG's 1, 2 and 4-bit grey come as palettes; other decoders (TIFF) may give grey components
    ComponentColorModel fourBits = new ComponentColorModel(
        ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {4}, false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = fourBits.createCompatibleWritableRaster(4, 1);
    raster.setSamples(0, 0, 4, 1, 0, new int[] {0, 1, 10, 15});
    byte[] levels = new byte[4];
    ImageLevels.write(new BufferedImage(fourBits, raster, false, null), 1, levels, 0);
    assertArrayEquals(new byte[] {0, 17, (byte) 170, (byte) 255}, levels);
  }

  @Test
  void sixteenBitSamplesKeepTheirHighByte() throws IOException {
    write("a/grey.png", PngBytes.png(3, 1, 16, PngBytes.GREY,
        new int[] {0x0000, 0x12FF, 0xFF00}, null, null));
    write("b/rgb.png", PngBytes.png(3, 1, 16, PngBytes.RGB,
        new int[] {0x0102, 0x8081, 0xFFFF, 0x00FF, 0x7F00, 0x3456, 0xAB00, 0xCD00, 0xEF00},
        null, null));
    LabeledImages rgb = ImageFolder.load(root).images();
    assertLevels(new int[] {
        0x00, 0x12, 0xFF, 0x00, 0x12, 0xFF, 0x00, 0x12, 0xFF,
        0x01, 0x00, 0xAB, 0x80, 0x7F, 0xCD, 0xFF, 0x34, 0xEF}, rgb);
  }

  @Test
  void paletteIsLookedUpAndAlphaIgnored() throws IOException {
    byte[] palette = {(byte) 255, 0, 0, 0, (byte) 255, 0, 10, 20, 30};
    byte[] alpha = {0, (byte) 128, (byte) 255};
    write("p/a.png", PngBytes.png(3, 1, 8, PngBytes.PALETTE, new int[] {2, 0, 1}, palette,
        alpha));
    assertLevels(new int[] {10, 255, 0, 20, 0, 255, 30, 0, 0}, ImageFolder.load(root).images());
    assertLevels(new int[] {ImageLevels.luma(10, 20, 30), 76, 150}, grey());
  }

  @Test
  void alphaChannelsAreDroppedAsConvertRgbDoes() throws IOException {
    write("a/ga.png", PngBytes.png(2, 1, 8, PngBytes.GREY_ALPHA, new int[] {40, 0, 90, 255},
        null, null));
    write("b/rgba.png", PngBytes.png(2, 1, 8, PngBytes.RGBA,
        new int[] {10, 20, 30, 0, 200, 100, 50, 7}, null, null));
    assertLevels(new int[] {40, 90, 40, 90, 40, 90, 10, 200, 20, 100, 30, 50},
        ImageFolder.load(root).images());
    assertLevels(new int[] {40, 90, ImageLevels.luma(10, 20, 30), ImageLevels.luma(200, 100, 50)},
        grey());
  }

  @Test
  void bmpGifAndTiffAreReadExactly() throws IOException {
    BufferedImage bgr = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
    bgr.setRGB(0, 0, 0x0A141E);
    bgr.setRGB(1, 0, 0xC86432);
    assertTrue(ImageIO.write(bgr, "bmp", file("a/x.bmp").toFile()));
    assertTrue(ImageIO.write(bgr, "tiff", file("c/x.TIFF").toFile()));
    IndexColorModel colours = new IndexColorModel(8, 2, new byte[] {10, (byte) 200},
        new byte[] {20, 100}, new byte[] {30, 50});
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, colours);
    indexed.getRaster().setSample(0, 0, 0, 0);
    indexed.getRaster().setSample(1, 0, 0, 1);
    assertTrue(ImageIO.write(indexed, "gif", file("b/x.gif").toFile()));
    int[] one = {10, 200, 20, 100, 30, 50};
    assertLevels(concat(one, one, one), ImageFolder.load(root).images());
  }

  @Test
  void aFlatGreyJpegDecodesToItsLevel() throws IOException {
    BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        flat.getRaster().setSample(x, y, 0, 77);
      }
    }
    assertTrue(ImageIO.write(flat, "jpeg", file("j/x.JPG").toFile()));
    assertTrue(ImageIO.write(flat, "jpeg", file("j/y.jpeg").toFile()));
    int[] expected = new int[128];
    java.util.Arrays.fill(expected, 77);
    assertLevels(expected, grey());
  }

  @Test
  void readImageGivesTheValuesTheFolderHolds() throws IOException {
    write("c/a.png", PngBytes.png(2, 3, 8, PngBytes.RGB, RGB_SAMPLES, null, null));
    Path extra = Files.write(root.resolve("new.png"),
        PngBytes.png(2, 3, 8, PngBytes.RGB, RGB_SAMPLES, null, null));
    ImageFolder folder = ImageFolder.load(root);
    assertArrayEquals(folder.images().image(0), folder.readImage(extra));
    assertEquals(255 / 255f, folder.readImage(extra)[0]);
    ImageFolder grey = ImageFolder.loader().channels(1).pixelScale(PixelScale.RAW).load(root);
    assertArrayEquals(new float[] {76, 150, 29, 141, 1, 255}, grey.readImage(extra));
  }

  private LabeledImages grey() throws IOException {
    return ImageFolder.loader().channels(1).load(root).images();
  }

  /** {@code images}' values are {@code levels} / 255, image after image. */
  private static void assertLevels(int[] levels, LabeledImages images) {
    float[] expected = new float[levels.length];
    for (int i = 0; i < levels.length; i++) {
      expected[i] = levels[i] / 255f;
    }
    assertArrayEquals(expected, images.images());
    byte[] stored = new byte[levels.length];
    images.copyGreyLevels(0, images.size(), stored, 0);
    for (int i = 0; i < levels.length; i++) {
      assertEquals(levels[i], stored[i] & 0xFF, "level " + i);
    }
  }

  private static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
  }

  private Path file(String name) throws IOException {
    Path f = root.resolve(name);
    Files.createDirectories(f.getParent());
    return f;
  }

  private void write(String name, byte[] bytes) throws IOException {
    Files.write(file(name), bytes);
  }
}
