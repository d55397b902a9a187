package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxWriter;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset.ofImages uploads images block by block and gets exactly what images() holds. */
class DatasetOfImagesTest {
  @TempDir Path dir;

  @Test
  void blockwiseUploadOfGreyLevelsEqualsTheWholeFloatArray() throws IOException {
    // 1,500 images of 28x28 = 1.18 M floats: many upload blocks of 64 Ki floats
    int n = 1500;
    byte[] grey = new byte[n * 784];
    new Random(7).nextBytes(grey);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    IdxWriter.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxArray.ofUnsignedBytes(grey, n, 28, 28));
    IdxWriter.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxArray.ofUnsignedBytes(labels, n));
    IdxWriter.write(dir.resolve("t10k-images-idx3-ubyte.gz"),
        IdxArray.ofUnsignedBytes(new byte[784], 1, 28, 28));
    IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxArray.ofUnsignedBytes(new byte[1], 1));
    LabeledImages train = MnistFiles.load(dir).train();

    Dataset data = Dataset.ofImages(train);

    assertEquals(n, data.size());
    assertArrayEquals(new int[] {n, 784}, data.inputs().shape().dims());
    assertArrayEquals(train.images(), data.inputs().toFloatArray());
    assertArrayEquals(train.labels(), data.targets().toIntArray());
  }

  @Test
  void imagesMadeFromFloatsUploadAsTheyAre() {
    float[] px = {0f, 0.5f, 1f, 0.25f, 0.75f, 0.125f};
    LabeledImages images = new LabeledImages(px, new int[] {1, 0}, 1, 3, 2);
    Dataset data = Dataset.ofImages(images);
    assertArrayEquals(px, data.inputs().toFloatArray());
    assertArrayEquals(new int[] {1, 0}, data.targets().toIntArray());
  }
}
