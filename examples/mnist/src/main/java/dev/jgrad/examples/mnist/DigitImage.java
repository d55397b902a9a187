package dev.jgrad.examples.mnist;

import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.PixelScale;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of one handwritten digit as the MNIST models see it: 28x28 grey levels, a light digit on
 * a dark background, scaled as training scaled them ({@link PixelScale#UNIT}). Colour is turned
 * grey, other sizes are resized (area averaging), and a mostly light image (a dark digit on
 * paper) is inverted; {@link #notes()} says which of these happened.
 */
final class DigitImage {
  static final int SIZE = 28;
  /** Larger files and images are refused before decoding: no digit needs them. */
  static final long MAX_BYTES = 32L << 20;
  static final int MAX_SIDE = 4096;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private final float[] pixels;
  private final List<String> notes;

  private DigitImage(float[] pixels, List<String> notes) {
    this.pixels = pixels;
    this.notes = List.copyOf(notes);
  }

  /** The 784 pixels, row by row, in [0, 1]. */
  float[] pixels() {
    return pixels.clone();
  }

  /** What was done to the image to make it look like MNIST ("resized from 56x56", ...). */
  List<String> notes() {
    return notes;
  }

  /**
   * Reads {@code file}; a missing file, a file that is not a PNG (by its signature), a damaged
   * PNG or one too large fails naming the file and what to give instead.
   */
  static DigitImage read(Path file) throws IOException {
    return read(file, Invert.AUTO);
  }

  /** {@link #read(Path)}, inverted as {@code invert} says; see {@link #of(BufferedImage, Invert)}. */
  static DigitImage read(Path file, Invert invert) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileNotFoundException(file + " is a directory; give PNG files");
    }
    long size = Files.size(file); // NoSuchFileException when missing
    if (size > MAX_BYTES) {
      throw new FileFormatException(file.toString(), -1, "too large", size + " bytes, more than"
          + " a digit's image needs (at most " + MAX_BYTES + "); give a 28x28 PNG");
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < PNG_SIGNATURE.length
        || !Arrays.equals(bytes, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
      throw new FileFormatException(file.toString(), 0, "not a PNG", "it starts with "
          + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length))
          + ", not the PNG signature 89 50 4e 47 0d 0a 1a 0a; convert the image to PNG");
    }
    checkDimensions(file, bytes);
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) { // ImageIO's decoders throw both on bad data
      throw new FileFormatException(file.toString(), -1, "corrupt PNG", String.valueOf(
          e.getMessage()).toLowerCase(Locale.ROOT) + "; the file is damaged or truncated");
    }
    if (image == null) {
      throw new FileFormatException(file.toString(), -1, "corrupt PNG",
          "no PNG decoder accepted it; the file is damaged or truncated");
    }
    return of(image, invert);
  }

  /** The width and height from the IHDR chunk, checked before decoding allocates them. */
  private static void checkDimensions(Path file, byte[] bytes) throws FileFormatException {
    if (bytes.length < 24 || bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D'
        || bytes[15] != 'R') {
      throw new FileFormatException(file.toString(), 8, "corrupt PNG",
          "the IHDR chunk that must follow the signature is missing; the file is truncated");
    }
    long width = readInt(bytes, 16);
    long height = readInt(bytes, 20);
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new FileFormatException(file.toString(), 16, "unusable image size", width + "x"
          + height + "; give an image of 1 to " + MAX_SIDE + " pixels a side, ideally 28x28");
    }
  }

  private static long readInt(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8)
        | (b[at + 3] & 0xFFL);
  }

  /** {@code image} as an MNIST digit, inverted if mostly light. */
  static DigitImage of(BufferedImage image) {
    return of(image, Invert.AUTO);
  }

  /**
   * {@code image} as an MNIST model's input, inverted always, never, or with {@link Invert#AUTO}
   * when mostly light (mean grey level above 127.5: a dark digit on paper).
   */
  static DigitImage of(BufferedImage image, Invert invert) {
    List<String> notes = new ArrayList<>();
    int w = image.getWidth();
    int h = image.getHeight();
    int[] grey = grey(image, notes);
    if (w != SIZE || h != SIZE) {
      grey = resize(grey, w, h);
      notes.add("resized from " + w + "x" + h + " to " + SIZE + "x" + SIZE);
    }
    double mean = Arrays.stream(grey).average().orElse(0);
    if (invert == Invert.ALWAYS || invert == Invert.AUTO && mean > 127.5) {
      for (int i = 0; i < grey.length; i++) {
        grey[i] = 255 - grey[i];
      }
      notes.add(invert == Invert.ALWAYS ? "inverted (--invert always)"
          : "inverted (a dark digit on a light background; MNIST's are light on dark)");
    }
    float[] pixels = new float[grey.length];
    for (int i = 0; i < grey.length; i++) {
      pixels[i] = PixelScale.UNIT.apply(grey[i]);
    }
    return new DigitImage(pixels, notes);
  }

  /**
   * Grey levels 0..255, row by row. Grey images are read from the raster, as stored (going
   * through RGB would apply a gamma conversion); others through RGB with the luminance weights.
   */
  private static int[] grey(BufferedImage image, List<String> notes) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] grey = new int[w * h];
    ColorModel cm = image.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
      Raster raster = image.getRaster();
      int max = (1 << cm.getComponentSize(0)) - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          grey[y * w + x] = (int) Math.round(raster.getSample(x, y, 0) * 255.0 / max);
        }
      }
      return grey;
    }
    boolean colour = false;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        colour |= r != g || g != b;
        grey[y * w + x] = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
    if (colour) {
      notes.add("colour converted to grey");
    }
    return grey;
  }

  /**
   * {@code SIZE x SIZE} grey levels: each the mean of the source pixels its box covers when
   * shrinking, the nearest source pixel when enlarging.
   */
  private static int[] resize(int[] grey, int w, int h) {
    int[] out = new int[SIZE * SIZE];
    for (int oy = 0; oy < SIZE; oy++) {
      int y0 = (int) ((long) oy * h / SIZE);
      int y1 = Math.max(y0 + 1, (int) ((long) (oy + 1) * h / SIZE));
      for (int ox = 0; ox < SIZE; ox++) {
        int x0 = (int) ((long) ox * w / SIZE);
        int x1 = Math.max(x0 + 1, (int) ((long) (ox + 1) * w / SIZE));
        long sum = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            sum += grey[y * w + x];
          }
        }
        out[oy * SIZE + ox] = (int) Math.round((double) sum / ((y1 - y0) * (x1 - x0)));
      }
    }
    return out;
  }
}
