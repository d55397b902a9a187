package dev.jgrad.examples.book;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.examples.mnist.SimpleConvNet;
import dev.jgrad.nn.Sequential;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The book's chapter-7 filter pictures on small data: SimpleConvNet's 30 filters, random at the
 * start (neighbouring weights' correlation near 0), alike between neighbours after 200 Adam
 * iterations on 1,000 images (seeds 1, 2, 3: -0.084, -0.002, -0.017 before, 0.133, 0.197, 0.201
 * after).
 */
class ChapterSevenTest {
  @Test
  void trainedFiltersHaveSmootherNeighboursThanRandomOnes() throws IOException {
    Sequential net = SimpleConvNet.create(28, 28, 100, 10, 2);
    float[] before = FilterVisualization.filters(net);
    FilterVisualization.train(net, MiniBatchRun.mnist(1000), 200, 2);
    float[] after = FilterVisualization.filters(net);
    double random = FilterVisualization.neighbourCorrelation(before, 5);
    double trained = FilterVisualization.neighbourCorrelation(after, 5);
    assertTrue(Math.abs(random) < 0.1, "random filters: " + random);
    assertTrue(trained > random + 0.1, "trained " + trained + " vs random " + random);
  }

  @Test
  void thePictureDrawsEachFiltersLargestWeightBlackAndSmallestWhite(@TempDir Path dir)
      throws IOException {
    float[] weights = new float[7 * 25]; // 7 filters: two rows of the 6-column grid
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) Math.sin(i * 1.7);
    }
    weights[25 + 7] = 5; // filter 1's largest, row 1 column 2
    weights[25 + 18] = -5; // its smallest, row 3 column 3
    Path file = dir.resolve("f.png");
    FilterVisualization.write(weights, 5, file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(6 * (40 + 4) + 4, image.getWidth());
    assertEquals(2 * (40 + 4) + 4, image.getHeight());
    int left = 4 + 44; // filter 1: second in the first row
    assertEquals(0x000000, image.getRGB(left + 2 * 8 + 3, 4 + 8 + 3) & 0xFFFFFF, "largest");
    assertEquals(0xFFFFFF, image.getRGB(left + 3 * 8 + 3, 4 + 3 * 8 + 3) & 0xFFFFFF,
        "smallest");
    assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF, "the gap is white");
  }
}
