package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutants of small valid PNG, JPEG, BMP and GIF files, each read as the one image of a
 * folder: every read gives one image no larger than the limit, or a one-line FileFormatException
 * naming the file; never another throwable, a hang or a large allocation ({@link FuzzHarness}).
 */
class ImageFolderFuzzTest {
  private static final long SEED = 0x1A6E_F01DL;
  /** Small enough that a size read from a damaged header is refused before decoding. */
  private static final long MAX_PIXELS = 64 * 64;

  @TempDir
  Path root;
  private int runs;

  @Test
  void pngMutantsReadConsistentlyOrFailNamingTheFile() throws IOException {
    int[] samples = new int[12 * 10 * 3];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (i * 37) & 0xFF;
    }
    byte[] png = PngBytes.png(12, 10, 8, PngBytes.RGB, samples, null, null);
    // signature, IHDR's length, type, width, height, depth and colour type; the IDAT chunk
    fuzz("png", Mutator.of(png).boundaries(8, 12, 16, 33, 41)
        .field("the width", 16, 4, ByteOrder.BIG_ENDIAN)
        .field("the height", 20, 4, ByteOrder.BIG_ENDIAN)
        .field("the bit depth", 24, 1, ByteOrder.BIG_ENDIAN)
        .field("the colour type", 25, 1, ByteOrder.BIG_ENDIAN)
        .field("IDAT's length", 33, 4, ByteOrder.BIG_ENDIAN), 400);
    byte[] palette = {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 10, 20, 30};
    int[] indices = new int[8 * 8];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = i % 4;
    }
    fuzz("png", Mutator.of(PngBytes.png(8, 8, 2, PngBytes.PALETTE, indices, palette,
        new byte[] {0, (byte) 128})).boundaries(8, 33, 57), 200);
  }

  @Test
  void jpegBmpAndGifMutantsReadConsistentlyOrFailNamingTheFile() throws IOException {
    BufferedImage colour = new BufferedImage(16, 12, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 16; x++) {
        colour.setRGB(x, y, (x * 16) << 16 | (y * 20) << 8 | (x * y));
      }
    }
    byte[] bmp = encode(colour, "bmp");
    fuzz("bmp", Mutator.of(bmp).boundaries(14, 54)
        .field("the data offset", 10, 4, ByteOrder.LITTLE_ENDIAN)
        .field("the width", 18, 4, ByteOrder.LITTLE_ENDIAN)
        .field("the height", 22, 4, ByteOrder.LITTLE_ENDIAN)
        .field("the bits a pixel", 28, 1, ByteOrder.LITTLE_ENDIAN)
        .field("the compression", 30, 4, ByteOrder.LITTLE_ENDIAN), 300);
    fuzz("jpg", Mutator.of(encode(colour, "jpeg")).boundaries(2, 20), 300);
    IndexColorModel four = new IndexColorModel(2, 4, new byte[] {0, (byte) 255, 0, 10},
        new byte[] {0, 0, (byte) 255, 20}, new byte[] {0, 0, 0, 30});
    BufferedImage indexed = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, four);
    for (int i = 0; i < 64; i++) {
      indexed.getRaster().setSample(i % 8, i / 8, 0, i % 4);
    }
    fuzz("gif", Mutator.of(encode(indexed, "gif")).boundaries(6, 13)
        .field("the width's low byte", 6, 1, ByteOrder.LITTLE_ENDIAN)
        .field("the height's low byte", 8, 1, ByteOrder.LITTLE_ENDIAN), 300);
  }

  private void fuzz(String extension, Mutator mutator, int count) throws IOException {
    Path folder = root.resolve("run" + runs++); // a folder of its own: one image in it
    Path file = folder.resolve("c/x." + extension);
    Files.createDirectories(file.getParent());
    FuzzHarness h = new FuzzHarness(extension + " image in a folder", SEED);
    for (Mutator.Mutant mutant : mutator.mutants(SEED, count)) {
      Files.write(file, mutant.bytes());
      h.run(mutant.index(), mutant.how(),
          () -> ImageFolder.loader().maxPixels(MAX_PIXELS).load(folder),
          read -> {
            LabeledImages images = read.images();
            assertEquals(1, images.size());
            assertTrue((long) images.rows() * images.cols() <= MAX_PIXELS, images.toString());
          },
          t -> t instanceof FileFormatException
              ? FuzzHarness.oneLineNaming(t, file.toString()) : "expected a FileFormatException");
    }
    h.assertNoFailures();
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), format);
    return out.toByteArray();
  }
}
