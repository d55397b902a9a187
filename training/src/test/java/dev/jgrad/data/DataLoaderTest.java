package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.autograd.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  /** Sample i has inputs [i, 10 i] and target i, so batches show which samples they hold. */
  private static Dataset numbered(int n) {
    float[] x = new float[n * 2];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10 * i;
      t[i] = i;
    }
    return Dataset.of(Tensor.of(x, n, 2), Tensor.of(t, n));
  }

  private static List<Integer> targetsOfEpoch(DataLoader loader, int epoch) {
    List<Integer> seen = new ArrayList<>();
    for (Batch b : loader.epoch(epoch)) {
      float[] x = b.inputs().toFloatArray();
      float[] t = b.targets().toFloatArray();
      for (int i = 0; i < t.length; i++) {
        assertEquals(t[i], x[2 * i], "inputs and targets of one sample stay together");
        assertEquals(10 * t[i], x[2 * i + 1]);
        seen.add((int) t[i]);
      }
    }
    return seen;
  }

  @Test
  void eachEpochIsAPermutationOfAllSamples() {
    DataLoader loader = DataLoader.builder(numbered(250)).batchSize(32).seed(1).build();
    for (int epoch = 0; epoch < 3; epoch++) {
      List<Integer> seen = targetsOfEpoch(loader, epoch);
      assertEquals(250, seen.size());
      int[] sorted = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
      int[] all = new int[250];
      Arrays.setAll(all, i -> i);
      assertArrayEquals(all, sorted, "epoch " + epoch);
    }
  }

  @Test
  void closingABatchOfViewsLeavesTheirBaseOpen() {
    Tensor base = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    new Batch(base.transpose(), base.slice(1, 0, 1)).close();
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, base.toDoubleArray(), 0);
  }

  @Test
  void ordersDifferAcrossEpochsAndFromTheDatasetOrder() {
    DataLoader loader = DataLoader.builder(numbered(100)).seed(1).build();
    int[] identity = new int[100];
    Arrays.setAll(identity, i -> i);
    assertFalse(Arrays.equals(loader.order(0), loader.order(1)));
    assertFalse(Arrays.equals(loader.order(1), loader.order(2)));
    assertFalse(Arrays.equals(identity, loader.order(0)));
  }

  @Test
  void sameSeedReproducesOtherSeedDoesNot() {
    Dataset d = numbered(100);
    DataLoader a = DataLoader.builder(d).batchSize(10).seed(7).build();
    DataLoader b = DataLoader.builder(d).batchSize(10).seed(7).build();
    DataLoader c = DataLoader.builder(d).batchSize(10).seed(8).build();
    assertEquals(targetsOfEpoch(a, 3), targetsOfEpoch(b, 3));
    assertArrayEquals(a.order(5), b.order(5));
    assertFalse(Arrays.equals(a.order(0), c.order(0)));
    // an epoch's order does not depend on the epochs iterated before it (resume gives the same)
    targetsOfEpoch(a, 0);
    assertArrayEquals(a.order(4), b.order(4));
  }

  /**
   * Seed 42's orders, as every version since the shuffle was written gives them: a change would
   * silently change every seeded run's batches and results.
   */
  @Test
  void aSeedsOrdersStayTheSameAcrossVersions() {
    // from an independent Python model of SplittableRandom and Seeds.derive (which reproduces
    // the orders before 2026-12-07, seeded seed + epoch * 0x9E3779B97F4A7C15, as well)
    DataLoader loader = DataLoader.builder(numbered(10)).seed(42).build();
    assertArrayEquals(new int[] {2, 3, 4, 9, 7, 6, 5, 8, 1, 0}, loader.order(0));
    assertArrayEquals(new int[] {6, 0, 5, 9, 8, 4, 3, 1, 7, 2}, loader.order(3));
  }

  @Test
  void lastShortBatchIsKeptByDefaultAndDroppedOnRequest() {
    Dataset d = numbered(250);
    DataLoader keep = DataLoader.builder(d).batchSize(100).build();
    DataLoader drop = DataLoader.builder(d).batchSize(100).dropLast(true).build();
    assertEquals(3, keep.batchCount());
    assertEquals(2, drop.batchCount());
    assertEquals(200, drop.samplesPerEpoch());
    List<Integer> sizes = new ArrayList<>();
    keep.epoch(0).forEach(b -> sizes.add(b.size()));
    assertEquals(List.of(100, 100, 50), sizes);
    sizes.clear();
    drop.epoch(0).forEach(b -> sizes.add(b.size()));
    assertEquals(List.of(100, 100), sizes);
    List<Integer> dropped = targetsOfEpoch(drop, 0);
    assertEquals(200, dropped.stream().distinct().count());
    assertEquals(2, DataLoader.builder(numbered(200)).batchSize(100).build().batchCount());
  }

  @Test
  void withoutShuffleBatchesFollowTheDataset() {
    DataLoader loader = DataLoader.builder(numbered(5)).batchSize(2).shuffle(false).build();
    assertEquals(List.of(0, 1, 2, 3, 4), targetsOfEpoch(loader, 0));
    assertEquals(List.of(0, 1, 2, 3, 4), targetsOfEpoch(loader, 1));
  }

  @Test
  void badInputIsRejectedWithAMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.of(Tensor.zeros(10, 2), Tensor.zeros(9)));
    assertTrue(e.getMessage().contains("10 samples") && e.getMessage().contains("9"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DataLoader.builder(numbered(10)).batchSize(0));
    IllegalArgumentException dropAll = assertThrows(IllegalArgumentException.class,
        () -> DataLoader.builder(numbered(10)).batchSize(20).dropLast(true).build());
    assertTrue(dropAll.getMessage().contains("drop every sample"), dropAll.getMessage());
  }

  @Test
  void headTakesTheFirstSamples() {
    Dataset d = numbered(10).head(3);
    assertEquals(3, d.size());
    assertArrayEquals(new float[] {0, 1, 2}, d.targets().toFloatArray());
    assertEquals(10, numbered(10).head(50).size());
  }

  @Test
  void prefetchingGivesTheSameBatchesAsGatheringInTurn() {
    Dataset d = numbered(250);
    DataLoader ahead = DataLoader.builder(d).batchSize(32).seed(3).prefetch(true).build();
    DataLoader inTurn = DataLoader.builder(d).batchSize(32).seed(3).build(); // the default
    for (int epoch = 0; epoch < 3; epoch++) {
      assertEquals(targetsOfEpoch(inTurn, epoch), targetsOfEpoch(ahead, epoch));
    }
    assertTrue(inTurn.toString().contains("no prefetch"), inTurn.toString());
  }

  /**
   * Batches gathered ahead have their inputs announced to the backend as a product's left operand
   * ([batch, features]), by whichever thread gathered them (the prefetch thread, or the caller
   * that took a task over); batches gathered in turn do not.
   */
  @Test
  void prefetchedInputsAreAnnouncedToTheBackend() {
    List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    Backend cpu = new dev.jgrad.cpu.CpuBackendProvider().create();
    Backend recording = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> {
          if (method.getName().equals("prepareOperand")) {
            calls.add(args[1] + "x" + args[2]);
          }
          try {
            return method.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Dataset d = numbered(250);
    Dataset onIt = Dataset.of(d.inputs().to(recording), d.targets().to(recording));
    DataLoader ahead = DataLoader.builder(onIt).batchSize(32).seed(3).dropLast(true)
        .prefetch(true).build();
    for (Batch b : ahead.epoch(0)) {
      b.close();
    }
    // 7 batches: the first gathered in turn, the 6 others ahead
    assertEquals(java.util.Collections.nCopies(6, "32x2"), calls);
    calls.clear();
    DataLoader inTurn = DataLoader.builder(onIt).batchSize(32).prefetch(false).build();
    for (Batch b : inTurn.epoch(0)) {
      b.close();
    }
    assertEquals(List.of(), calls);
  }

  @Test
  void aFailedBackgroundGatherIsThrownByNext() {
    Dataset d = numbered(100);
    var batches = DataLoader.builder(d).batchSize(10).build().epoch(0).iterator();
    batches.next(); // gathered now; the next few are being gathered in the background
    d.inputs().buffer().close();
    d.targets().buffer().close();
    // those few may or may not have been gathered before the close; the last ones cannot have
    RuntimeException e = assertThrows(RuntimeException.class, () -> {
      while (batches.hasNext()) {
        batches.next();
      }
    });
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void aClosedBatchFreesItsTensorsAndClosingTwiceIsHarmless() {
    Batch b = DataLoader.builder(numbered(10)).batchSize(4).build().epoch(0).iterator().next();
    b.close();
    b.close();
    assertTrue(b.inputs().buffer().isClosed());
    assertTrue(b.targets().buffer().isClosed());
    assertThrows(IllegalStateException.class, () -> b.inputs().toFloatArray());
  }

  @Test
  void aFloatDatasetBeyondTwoToThe24GathersItsLastSampleExactly() {
    int n = (1 << 24) + 2; // sample 16777217 has no FLOAT32 index: INT32 orders need none
    int[] labels = new int[n];
    java.util.Arrays.setAll(labels, i -> i);
    Dataset big = Dataset.of(Tensor.zeros(n, 1), Tensor.indices(labels));
    DataLoader loader = DataLoader.builder(big).batchSize(1 << 23).shuffle(false).build();
    java.util.Iterator<Batch> batches = loader.epoch(0).iterator();
    batches.next().close();
    batches.next().close();
    try (Batch last = batches.next()) {
      assertArrayEquals(new int[] {16_777_216, 16_777_217}, last.targets().toIntArray());
    }
  }
}
