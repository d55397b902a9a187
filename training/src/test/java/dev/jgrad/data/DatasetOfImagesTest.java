package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.cpu.CpuBackendProvider;
import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxWriter;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.io.PixelScale;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dataset.ofImages uploads images block by block: grey levels read from files stay UINT8 on the
 * backend and each gathered batch holds exactly the floats images() holds; images made from
 * floats stay FLOAT32.
 */
class DatasetOfImagesTest {
  @TempDir Path dir;

  /** 1,500 random 28x28 images in IDX files under dir: many upload blocks of 64 Ki pixels. */
  private byte[] writeImages(int n) throws IOException {
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
    return grey;
  }

  /** Every sample, gathered in a shuffled order, against the rows of images(). */
  private static void assertGathersTheImages(LabeledImages images, Dataset data) {
    int n = images.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (i * 7919) % n; // a permutation: 7919 is prime and does not divide n
    }
    float[] all = images.images();
    float[] want = new float[all.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(all, order[i] * 784, want, i * 784, 784);
    }
    try (Batch batch = data.gather(Tensor.indices(order))) {
      assertEquals(DType.FLOAT32, batch.inputs().dtype());
      assertArrayEquals(new int[] {n, 784}, batch.inputs().shape().dims());
      float[] got = batch.inputs().toFloatArray();
      for (int i = 0; i < want.length; i++) { // bit for bit, as PixelScale.apply
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
            "pixel " + i);
      }
    }
  }

  @Test
  void greyLevelsStayBytesAndBatchesHoldThePixelValues() throws IOException {
    int n = 1500;
    byte[] grey = writeImages(n);
    LabeledImages train = MnistFiles.load(dir).train();

    Dataset data = Dataset.ofImages(train);

    assertEquals(n, data.size());
    assertEquals(DType.UINT8, data.inputs().dtype()); // one byte a pixel on the backend
    assertArrayEquals(new int[] {n, 784}, data.inputs().shape().dims());
    float[] levels = data.inputs().toFloatArray();
    for (int i = 0; i < grey.length; i++) {
      assertEquals(grey[i] & 0xFF, levels[i], "grey level " + i);
    }
    assertArrayEquals(train.labels(), data.targets().toIntArray());
    assertGathersTheImages(train, data);
    assertGathersTheImages(train.subset(0, 300), data.head(300)); // head keeps the conversion
    // the whole set as the model takes it, and the grey levels still there
    assertEquals(DType.FLOAT32, data.modelInputs().dtype());
    assertArrayEquals(train.images(), data.modelInputs().toFloatArray());
    assertEquals(grey[5] & 0xFF, data.inputs().toFloatArray()[5]);
  }

  @ParameterizedTest
  @EnumSource(PixelScale.class)
  void everyPixelScaleGathersWhatItsImagesHold(PixelScale scale) throws IOException {
    writeImages(1500); // every grey level 0..255 many times
    LabeledImages images = MnistFiles.loader().pixelScale(scale).load(dir).train();
    assertGathersTheImages(images, Dataset.ofImages(images));
  }

  @Test
  void onADeviceTheImagesAreFloats() throws IOException {
    writeImages(300);
    LabeledImages train = MnistFiles.load(dir).train();
    try (Backends.Scope device = Backends.use(deviceLike())) {
      Dataset data = Dataset.ofImages(train);
      assertEquals(DType.FLOAT32, data.inputs().dtype());
      assertArrayEquals(train.images(), data.inputs().toFloatArray());
      assertSame(data.inputs(), data.modelInputs());
      assertGathersTheImages(train, data);
    }
  }

  /**
   * The CPU backend with buffers that are not host arrays, as a GPU's are not: each buffer it
   * returns is wrapped in a plain {@link DeviceBuffer} and unwrapped on the way in.
   */
  private static Backend deviceLike() {
    Backend cpu = new CpuBackendProvider().create();
    Map<Object, DeviceBuffer> inner = new IdentityHashMap<>();
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> {
          Object[] unwrapped = args == null ? null : args.clone();
          for (int i = 0; unwrapped != null && i < unwrapped.length; i++) {
            DeviceBuffer b = inner.get(unwrapped[i]);
            unwrapped[i] = b != null ? b : unwrapped[i];
          }
          Object result;
          try {
            result = method.invoke(cpu, unwrapped);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof DeviceBuffer b) {
            DeviceBuffer outer = (DeviceBuffer) Proxy.newProxyInstance(
                DeviceBuffer.class.getClassLoader(), new Class<?>[] {DeviceBuffer.class},
                (p, m, a) -> m.invoke(b, a));
            inner.put(outer, b);
            return outer;
          }
          return result;
        });
  }

  @Test
  void imagesMadeFromFloatsUploadAsTheyAre() {
    float[] px = {0f, 0.5f, 1f, 0.25f, 0.75f, 0.125f};
    LabeledImages images = new LabeledImages(px, new int[] {1, 0}, 1, 3, 2);
    Dataset data = Dataset.ofImages(images);
    assertEquals(DType.FLOAT32, data.inputs().dtype());
    assertArrayEquals(px, data.inputs().toFloatArray());
    assertArrayEquals(new int[] {1, 0}, data.targets().toIntArray());
    try (Batch batch = data.gather(Tensor.indices(new int[] {1, 0}))) {
      assertArrayEquals(new float[] {0.25f, 0.75f, 0.125f, 0f, 0.5f, 1f},
          batch.inputs().toFloatArray());
    }
  }
}
