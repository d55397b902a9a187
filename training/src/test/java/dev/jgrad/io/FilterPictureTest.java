package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FilterPicture: the book's drawing of a convolution's filters. */
class FilterPictureTest {
  @Test
  void drawsEachFiltersFirstChannelLargestBlackSmallestWhite(@TempDir Path dir)
      throws IOException {
    // 7 filters of 2 channels, 3 high and 4 wide: two rows of the 6-column grid
    int per = 2 * 3 * 4;
    float[] w = new float[7 * per];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(i * 1.7);
    }
    w[per + 6] = 5; // filter 1, channel 0: its largest at row 1, column 2
    w[per + 11] = -5; // its smallest at row 2, column 3
    w[per + 12] = 100; // channel 1, which the picture leaves out
    Path file = dir.resolve("filters.png");
    FilterPicture.write(Tensor.of(w, 7, 2, 3, 4), file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(6 * (32 + 4) + 4, image.getWidth());
    assertEquals(2 * (24 + 4) + 4, image.getHeight());
    int left = 4 + 36; // filter 1: second in the first row
    assertEquals(0x000000, image.getRGB(left + 2 * 8 + 3, 4 + 8 + 3) & 0xFFFFFF, "largest");
    assertEquals(0xFFFFFF, image.getRGB(left + 3 * 8 + 3, 4 + 2 * 8 + 3) & 0xFFFFFF, "smallest");
    assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "the gap is white");
  }

  @Test
  void refusesWhatIsNotAConvolutionsWeightNamingItsShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FilterPicture.of(Tensor.zeros(784, 100)));
    assertEquals("FilterPicture needs a convolution's weight [filters, channels, height, width],"
        + " got [784, 100]; pass conv.weight()", e.getMessage());
  }
}
