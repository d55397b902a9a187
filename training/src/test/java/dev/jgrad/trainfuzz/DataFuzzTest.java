package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded property fuzzing of the data pipeline: datasets whose samples name themselves (inputs
 * {@code [i, -i, ...]}, target {@code i + 0.5}), stored dense or as views, loaded with random
 * batch sizes, shuffling, dropLast and prefetching; each epoch's batches against the epoch's
 * order, every sample exactly once (or all but the dropped tail), reproducible from the seed and
 * different across epochs. {@code randomSplit} parts disjoint, covering and reproducible.
 */
class DataFuzzTest {
  private static final int CASES = 150;

  /** A dataset of {@code n} samples with {@code width} features each naming its sample. */
  private static Dataset dataset(Random r, int n, int width, DType dtype) {
    double[] x = new double[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        x[i * width + j] = j % 2 == 0 ? i : -i;
      }
    }
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i + 0.5;
    }
    Tensor inputs = Tensor.of(x, dtype, n, width);
    Tensor targets = Tensor.of(t, DType.FLOAT64, n, 1);
    switch (r.nextInt(3)) {
      case 1 -> { // a slice of a larger tensor: a non-contiguous view
        Tensor wide = Tensor.concat(1, inputs, Tensor.zeros(dtype, n, 1));
        inputs = wide.slice(1, 0, width);
      }
      case 2 -> inputs = inputs.transpose().contiguous().transpose(); // strided view
      default -> { }
    }
    return Dataset.of(inputs, targets);
  }

  /** The samples of {@code batch}, checking that each row of inputs and targets agree. */
  private static int[] samples(Batch batch, int width, String config) {
    double[] x = batch.inputs().toDoubleArray();
    double[] t = batch.targets().toDoubleArray();
    int[] ids = new int[batch.size()];
    for (int b = 0; b < ids.length; b++) {
      ids[b] = (int) (t[b] - 0.5);
      for (int j = 0; j < width; j++) {
        assertEquals(j % 2 == 0 ? ids[b] : -ids[b], x[b * width + j], 0,
            config + ": row " + b + " of a batch mixes samples");
      }
    }
    return ids;
  }

  private static List<int[]> epoch(DataLoader loader, int e, int width, String config) {
    List<int[]> batches = new ArrayList<>();
    for (Batch b : loader.epoch(e)) {
      try (b) {
        batches.add(samples(b, width, config));
      }
    }
    return batches;
  }

  @Test
  void everyEpochVisitsEachSampleOnceInItsOrder() {
    for (int c = 0; c < CASES; c++) {
      long seed = 60_000 + c;
      Random r = new Random(seed);
      int n = 1 + r.nextInt(40);
      int width = 1 + r.nextInt(3);
      DType dtype = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
      Dataset data = dataset(r, n, width, dtype);
      int batchSize = 1 + r.nextInt(n + 3);
      boolean shuffle = r.nextInt(4) != 0;
      boolean dropLast = r.nextBoolean() && batchSize <= n;
      long loaderSeed = r.nextLong();
      String config = "seed " + seed + ": n " + n + " " + dtype + (data.inputs().isContiguous()
          ? "" : " (view)") + " batch " + batchSize + " shuffle " + shuffle + " dropLast "
          + dropLast;
      List<List<int[]>> byPrefetch = new ArrayList<>();
      for (boolean prefetch : new boolean[] {false, true}) {
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).shuffle(shuffle)
            .seed(loaderSeed).dropLast(dropLast).prefetch(prefetch).build();
        int expectedBatches = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        assertEquals(expectedBatches, loader.batchCount(), config);
        List<int[]> all = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
          List<int[]> batches = epoch(loader, e, width, config + " prefetch " + prefetch);
          int[] order = loader.order(e);
          assertEquals(expectedBatches, batches.size(), config + " epoch " + e + ": batches");
          int[] seen = batches.stream().flatMapToInt(Arrays::stream).toArray();
          assertArrayEquals(Arrays.copyOf(order, seen.length), seen,
              config + " epoch " + e + ": batches out of the epoch's order");
          for (int b = 0; b < batches.size(); b++) {
            assertEquals(Math.min(batchSize, n - b * batchSize), batches.get(b).length,
                config + " epoch " + e + ": size of batch " + b);
          }
          assertEquals(dropLast ? n / batchSize * batchSize : n, seen.length,
              config + " epoch " + e + ": samples");
          assertEquals(seen.length, loader.samplesPerEpoch(), config + ": samplesPerEpoch");
          int[] sorted = order.clone();
          Arrays.sort(sorted);
          assertArrayEquals(
              java.util.stream.IntStream.range(0, n).toArray(), sorted,
              config + " epoch " + e + ": the order is not a permutation");
          assertEquals(seen.length, Arrays.stream(seen).distinct().count(),
              config + " epoch " + e + ": a sample twice");
          if (!shuffle) {
            assertArrayEquals(java.util.stream.IntStream.range(0, n).toArray(), order, config);
          }
          all.addAll(batches);
        }
        if (shuffle && n >= 8) {
          assertFalse(Arrays.equals(loader.order(0), loader.order(1)),
              config + ": epochs 0 and 1 in the same order");
        }
        DataLoader again = DataLoader.builder(data).batchSize(batchSize).shuffle(shuffle)
            .seed(loaderSeed).dropLast(dropLast).build();
        assertArrayEquals(loader.order(2), again.order(2), config + ": same seed, other order");
        byPrefetch.add(all);
      }
      for (int i = 0; i < byPrefetch.get(0).size(); i++) {
        assertArrayEquals(byPrefetch.get(0).get(i), byPrefetch.get(1).get(i),
            config + ": batch " + i + " differs with prefetching");
      }
    }
  }

  @Test
  void randomSplitPartsAreDisjointAndCoverTheDataset() {
    for (int c = 0; c < CASES; c++) {
      long seed = 70_000 + c;
      Random r = new Random(seed);
      int n = 1 + r.nextInt(50);
      int width = 1 + r.nextInt(3);
      Dataset data = dataset(r, n, width, r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64);
      int partsCount = 1 + r.nextInt(Math.min(n, 4));
      int[] sizes = new int[partsCount];
      Arrays.fill(sizes, 1);
      for (int left = n - partsCount; left > 0; left--) {
        sizes[r.nextInt(partsCount)]++;
      }
      long splitSeed = r.nextLong();
      String config = "seed " + seed + ": n " + n + " sizes " + Arrays.toString(sizes);
      List<Dataset> parts = data.randomSplit(splitSeed, sizes);
      List<Dataset> again = data.randomSplit(splitSeed, sizes);
      boolean[] seen = new boolean[n];
      for (int p = 0; p < parts.size(); p++) {
        Dataset part = parts.get(p);
        assertEquals(sizes[p], part.size(), config + ": size of part " + p);
        Batch all = part.gather(Tensor.indices(java.util.stream.IntStream.range(0, part.size())
            .toArray()));
        int[] ids = samples(all, width, config + " part " + p);
        for (int id : ids) {
          assertTrue(id >= 0 && id < n && !seen[id], config + ": sample " + id + " twice");
          seen[id] = true;
        }
        assertEquals(part.fingerprint(), again.get(p).fingerprint(),
            config + ": same seed, other part " + p);
      }
      for (int i = 0; i < n; i++) {
        assertTrue(seen[i], config + ": sample " + i + " in no part");
      }
    }
  }

  /** Whether {@code out} is {@code in} shifted by some (dy, dx) up to {@code max}, zero-filled. */
  private static boolean isShift(double[] in, double[] out, int off, int rows, int cols,
      int max) {
    for (int dy = -max; dy <= max; dy++) {
      for (int dx = -max; dx <= max; dx++) {
        boolean all = true;
        for (int y = 0; y < rows && all; y++) {
          for (int x = 0; x < cols && all; x++) {
            int sy = y - dy;
            int sx = x - dx;
            double e = sy >= 0 && sy < rows && sx >= 0 && sx < cols
                ? in[off + sy * cols + sx] : 0;
            all = out[off + y * cols + x] == e;
          }
        }
        if (all) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void augmentedBatchesAreShiftsOfTheirSamplesAndTheSameWithPrefetching() {
    for (int c = 0; c < CASES / 3; c++) {
      long seed = 75_000 + c;
      Random r = new Random(seed);
      int rows = 2 + r.nextInt(5);
      int cols = 2 + r.nextInt(5);
      int maxShift = r.nextInt(Math.min(rows, cols));
      int n = 1 + r.nextInt(20);
      int pixels = rows * cols;
      double[] x = new double[n * pixels];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1; // every pixel of every sample distinct and nonzero
      }
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = i + 0.5;
      }
      Dataset data = Dataset.of(Tensor.of(x, DType.FLOAT32, n, pixels),
          Tensor.of(t, DType.FLOAT64, n, 1));
      int batchSize = 1 + r.nextInt(n + 2);
      long loaderSeed = r.nextLong();
      String config = "seed " + seed + ": " + rows + "x" + cols + " shift " + maxShift + " n " + n
          + " batch " + batchSize;
      List<double[]> byPrefetch = new ArrayList<>();
      for (boolean prefetch : new boolean[] {false, true}) {
        DataLoader loader = DataLoader.builder(data).batchSize(batchSize).seed(loaderSeed)
            .prefetch(prefetch).augment(new dev.jgrad.data.RandomShift(rows, cols, maxShift))
            .build();
        for (int e = 0; e < 2; e++) {
          for (Batch b : loader.epoch(e)) {
            try (b) {
              double[] in = b.inputs().toDoubleArray();
              double[] ts = b.targets().toDoubleArray();
              double[] original = new double[in.length];
              for (int k = 0; k < ts.length; k++) {
                int id = (int) (ts[k] - 0.5);
                System.arraycopy(x, id * pixels, original, k * pixels, pixels);
                assertTrue(isShift(original, in, k * pixels, rows, cols, maxShift),
                    config + " epoch " + e + ": sample " + id + " is not a shift of itself");
              }
              byPrefetch.add(in);
            }
          }
        }
      }
      int half = byPrefetch.size() / 2;
      for (int i = 0; i < half; i++) {
        assertArrayEquals(byPrefetch.get(i), byPrefetch.get(half + i),
            config + ": augmented batch " + i + " differs with prefetching");
      }
    }
  }
}
