package dev.jgrad.io;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded image's levels (0..255 a value) as PIL gives them to torchvision: its
 * {@code convert('RGB')} (what {@code ImageFolder}'s loader does), then for one channel
 * {@code convert('L')} ({@code transforms.Grayscale()}), so a PyTorch user's data set holds the
 * same bytes.
 *
 * <p>Values are read from the raster, as the file stores them: {@code BufferedImage.getRGB} on a
 * grey image converts through a linear grey colour space and returns other values than the
 * file's. Palette images (PNG, GIF) look their indices up in the palette; alpha is dropped, as
 * {@code convert('RGB')} drops it; grey images of 1, 2 or 4 bits are scaled to 0..255 as PIL
 * unpacks them (x 255, 85, 17); 16-bit samples keep their high byte, as PIL reads 16-bit RGB
 * PNGs (PIL clips 16-bit grey PNGs, mode {@code I;16}, to 255 instead: every level above 255 is
 * white there; here they are their high byte, the picture the file shows). Other colour models
 * (BMP's packed pixels) go through {@code getRGB}, exact for their 8-bit sRGB components.
 */
final class ImageLevels {
  private ImageLevels() {}

  /**
   * Writes {@code image}'s levels at {@code dst[offset...]}: {@code channels} (1, grey; 3, RGB)
   * planes of {@code rows x cols}, channels first, each row-major, as {@code ToTensor()} lays
   * them out.
   */
  static void write(BufferedImage image, int channels, byte[] dst, int offset) {
    int cols = image.getWidth();
    int rows = image.getHeight();
    int plane = rows * cols;
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    int colourType = cm.getColorSpace().getType();
    int[] row = new int[cols];
    int[] red = new int[cols];
    int[] green = new int[cols];
    int[] blue = new int[cols];
    for (int y = 0; y < rows; y++) {
      if (cm instanceof IndexColorModel palette) {
        raster.getSamples(0, y, cols, 1, 0, row);
        for (int x = 0; x < cols; x++) {
          red[x] = palette.getRed(row[x]);
          green[x] = palette.getGreen(row[x]);
          blue[x] = palette.getBlue(row[x]);
        }
      } else if (cm instanceof ComponentColorModel && colourType == ColorSpace.TYPE_GRAY) {
        raster.getSamples(0, y, cols, 1, 0, red);
        toLevels(red, cm.getComponentSize(0));
        System.arraycopy(red, 0, green, 0, cols);
        System.arraycopy(red, 0, blue, 0, cols);
      } else if (cm instanceof ComponentColorModel && colourType == ColorSpace.TYPE_RGB) {
        int[][] bands = {red, green, blue};
        for (int b = 0; b < 3; b++) {
          raster.getSamples(0, y, cols, 1, b, bands[b]);
          toLevels(bands[b], cm.getComponentSize(b));
        }
      } else {
        image.getRGB(0, y, cols, 1, row, 0, cols);
        for (int x = 0; x < cols; x++) {
          red[x] = (row[x] >> 16) & 0xFF;
          green[x] = (row[x] >> 8) & 0xFF;
          blue[x] = row[x] & 0xFF;
        }
      }
      int at = offset + y * cols;
      for (int x = 0; x < cols; x++) {
        if (channels == 1) {
          dst[at + x] = (byte) luma(red[x], green[x], blue[x]);
        } else {
          dst[at + x] = (byte) red[x];
          dst[at + plane + x] = (byte) green[x];
          dst[at + 2 * plane + x] = (byte) blue[x];
        }
      }
    }
  }

  /**
   * PIL's {@code convert('L')} of one RGB pixel: ITU-R 601-2 luma in 16-bit fixed point,
   * rounded ({@code (R 19595 + G 38470 + B 7471 + 0x8000) >> 16}, its {@code L24}; the weights
   * are 0.299, 0.587 and 0.114 times 65536 and add up to 65536, so a grey pixel keeps its level).
   */
  static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  /**
   * Samples of {@code bits} bits as 0..255: 8 as they are, more their high byte (16-bit: the
   * first), fewer scaled.
   */
  private static void toLevels(int[] samples, int bits) {
    if (bits == 8) {
      return;
    }
    for (int i = 0; i < samples.length; i++) {
      samples[i] = bits > 8 ? samples[i] >>> (bits - 8)
          : samples[i] * 255 / ((1 << bits) - 1); // exact for 1, 2 and 4 bits: x 255, 85, 17
    }
  }
}
