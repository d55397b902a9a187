package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import dev.jgrad.optim.TorchAdam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path dir;

  private static Sequential net(long seed) {
    return Mlp.builder().input(6).hidden(5).output(3).seed(seed).build();
  }

  private static Tensor inputs() {
    return Tensor.randn(new Random(9), 4, 6);
  }

  private static void trainSteps(Sequential net, Optimizer adam, int steps) {
    Tensor labels = Tensor.indices(new int[] {0, 1, 2, 1});
    for (int i = 0; i < steps; i++) {
      Losses.softmaxCrossEntropyLabels(net.forward(inputs()), labels).backward();
      adam.step();
      adam.zeroGrad();
    }
  }

  /**
   * A Dropout layer's mask counter was not saved: a model restored from a checkpoint drew the
   * masks of a fresh layer (counter 0) again, so a resumed run diverged from one that never
   * stopped. It is saved in the metadata and restored; a malformed one names the file.
   */
  @Test
  void dropoutMaskCountersAreSavedAndRestored() throws IOException {
    Sequential trained = new Sequential(new Linear(6, 5, Init.he(), new Random(1)),
        new Dropout(0.5, 42), new Sequential(new Dropout(0.2, 43)));
    Tensor x = inputs();
    for (int i = 0; i < 3; i++) {
      trained.forward(x);
    }
    Path file = dir.resolve("dropout.safetensors");
    Checkpoint.save(file, trained, null, 1, Map.of());
    assertEquals("3", Checkpoint.load(file).metadata().get("dropout_counter.1"));
    assertEquals("3", Checkpoint.load(file).metadata().get("dropout_counter.2.0"));
    Sequential fresh = new Sequential(new Linear(6, 5, Init.he(), new Random(2)),
        new Dropout(0.5, 42), new Sequential(new Dropout(0.2, 43)));
    Checkpoint.load(file).restoreModel(fresh);
    assertEquals(3, ((Dropout) fresh.layers().get(1)).counter());
    assertArrayEquals(trained.forward(x).toDoubleArray(), fresh.forward(x).toDoubleArray(),
        "the fourth masks, as the uninterrupted model draws them");

    Map<String, String> meta = new HashMap<>(Checkpoint.load(file).metadata());
    meta.put("dropout_counter.1", "-1");
    Path bad = dir.resolve("bad.safetensors");
    List<SafeTensor> tensors = new java.util.ArrayList<>(SafeTensors.read(file).tensors());
    SafeTensors.write(bad, tensors, meta);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(bad).restoreModel(fresh));
    assertTrue(e.getMessage().contains(bad.toString())
        && e.getMessage().contains("dropout_counter.1='-1'"), e.getMessage());
  }

  @Test
  void savedAndLoadedModelPredictsIdentically() throws IOException {
    Sequential trained = net(1);
    Adam adam = new Adam(trained.namedParameters(), 0.01);
    trainSteps(trained, adam, 3);
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, trained, adam, 3, Map.of("note", "hello"));

    Sequential fresh = net(2);
    assertFalse(Arrays.equals(trained.forward(inputs()).toFloatArray(),
        fresh.forward(inputs()).toFloatArray()));
    Checkpoint c = Checkpoint.load(file);
    c.restoreModel(fresh);
    assertArrayEquals(trained.forward(inputs()).toFloatArray(),
        fresh.forward(inputs()).toFloatArray());
    assertEquals(3, c.epoch());
    assertEquals("adam", c.optimizerKind());
    assertEquals("hello", c.metadata().get("note"));
  }

  @Test
  void restoredOptimizerContinuesAsIfNeverStopped() throws IOException {
    Sequential a = net(1);
    Adam adamA = new Adam(a.namedParameters(), 0.01);
    Path file = trainedAndSaved(a, adamA, 2);
    trainSteps(a, adamA, 2);
    assertArrayEquals(a.forward(inputs()).toFloatArray(),
        resumedAndTrained2Steps(file).forward(inputs()).toFloatArray());
  }

  /** Another net resumed from {@code file} (saved after 2 steps) and trained 2 more steps. */
  private static Sequential resumedAndTrained2Steps(Path file) throws IOException {
    Sequential b = net(5);
    Adam adamB = new Adam(b.namedParameters(), 0.01);
    Checkpoint c = Checkpoint.load(file);
    c.restoreModel(b);
    c.restoreOptimizer(adamB);
    assertEquals(2, adamB.steps());
    trainSteps(b, adamB, 2);
    return b;
  }

  /** Trains {@code steps} steps and saves them as as many epochs. */
  private Path trainedAndSaved(Sequential net, Adam adam, int steps) throws IOException {
    trainSteps(net, adam, steps);
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, net, adam, steps, Map.of());
    return file;
  }

  /** Rewrites {@code file} without the tensors and metadata entries {@code drop} names. */
  private static void rewriteWithout(Path file, List<String> drop) throws IOException {
    SafeTensorsFile f = SafeTensors.read(file);
    List<SafeTensor> kept = f.tensors().stream().filter(t -> !drop.contains(t.name())).toList();
    Map<String, String> meta = new HashMap<>(f.metadata());
    meta.keySet().removeAll(drop);
    SafeTensors.write(file, kept, meta);
  }

  @Test
  void aCheckpointMissingOneOptimizerSlotIsRefusedNamingFileParameterAndSlot()
      throws IOException {
    Sequential net = net(1);
    Path file = trainedAndSaved(net, new Adam(net.namedParameters(), 0.01), 2);
    rewriteWithout(file, List.of("optimizer.v.2.weight"));

    Adam resumed = new Adam(net(1).namedParameters(), 0.01);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(resumed));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("'v'")
        && e.getMessage().contains("'2.weight'") && e.getMessage().contains("incomplete"),
        e.getMessage());
    assertEquals(0, resumed.steps(), "nothing was restored");
  }

  @Test
  void aSlotOfAnotherOptimizerOrAHalfOfTheStepCountsIsRefused() throws IOException {
    Sequential net = net(1);
    Path file = trainedAndSaved(net, new Adam(net.namedParameters(), 0.01), 1);
    rewriteWithout(file, List.of("optimizer.t.0.bias"));
    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(new Adam(net.namedParameters(), 0.01)));
    assertTrue(counts.getMessage().contains("'t.0.bias'"), counts.getMessage());

    Sgd momentum = new Sgd(net.namedParameters(), 0.1, 0.9, 0);
    Checkpoint.save(file, net, momentum, 0, Map.of());
    IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(new Sgd(net.namedParameters(), 0.1)));
    assertTrue(extra.getMessage().contains("not a slot"), extra.getMessage());
  }

  @Test
  void aCheckpointWithOnlyTheGlobalStepCountResumesExactly() throws IOException {
    // Checkpoints written before the per-parameter counts had only optimizer.t
    Sequential a = net(1);
    Adam adamA = new Adam(a.namedParameters(), 0.01);
    Path file = trainedAndSaved(a, adamA, 2);
    rewriteWithout(file, List.of("optimizer.t.0.weight", "optimizer.t.0.bias",
        "optimizer.t.2.weight", "optimizer.t.2.bias"));
    trainSteps(a, adamA, 2);
    assertArrayEquals(a.forward(inputs()).toFloatArray(),
        resumedAndTrained2Steps(file).forward(inputs()).toFloatArray());
  }

  @Test
  void fileHoldsParametersByNameAndOptimizerStateAsOtherReadersSeeIt() throws IOException {
    Sequential net = net(1);
    Path file = trainedAndSaved(net, new Adam(net.namedParameters(), 0.01), 1);
    SafeTensorsFile f = SafeTensors.read(file);
    assertTrue(f.names().containsAll(List.of("0.weight", "0.bias", "2.weight", "2.bias",
        "optimizer.m.0.weight", "optimizer.v.2.bias")), f.names().toString());
    assertArrayEquals(net.namedParameters().get("2.bias").toFloatArray(), f.get("2.bias").floats());
    assertEquals("1", f.metadata().get("optimizer.t"));
    assertEquals("1", f.metadata().get("optimizer.t.2.bias"));

    // The header as any safetensors reader parses it: u64 length, then JSON naming dtype and shape
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{") && header.trim().endsWith("}"), header);
    assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[6,5]"), header);
    assertTrue(header.contains("\"format\":\"jgrad-checkpoint-1\""), header);
  }

  @Test
  void shapeMismatchNamesTheTensorAndBothShapes() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, net(1), null, 0, Map.of());
    Sequential wider = Mlp.builder().input(6).hidden(7).output(3).build();
    float[] before = wider.namedParameters().get("2.bias").toFloatArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreModel(wider));
    assertTrue(e.getMessage().contains("'0.weight'") && e.getMessage().contains("[6, 5]")
        && e.getMessage().contains("[6, 7]"), e.getMessage());
    // nothing was overwritten before the mismatch was found
    assertArrayEquals(before, wider.namedParameters().get("2.bias").toFloatArray());
  }

  private static Sequential batchNormNet(long seed) {
    Random r = new Random(seed);
    return new Sequential(new Linear(6, 5, Init.he(), r), new BatchNorm1d(5), new ReLU(),
        new Linear(5, 3, Init.he(), r));
  }

  @Test
  void batchNormRunningStatisticsAreSavedUnderPyTorchsNamesAndRestored() throws IOException {
    Sequential trained = batchNormNet(1);
    for (int i = 0; i < 3; i++) {
      trained.forward(Tensor.randn(new Random(i), 8, 6)); // training mode: the statistics move
    }
    Path file = dir.resolve("bn.safetensors");
    Checkpoint.save(file, trained, null, 1, Map.of());
    assertEquals(new java.util.TreeSet<>(List.of("0.weight", "0.bias", "1.weight", "1.bias",
        "3.weight", "3.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked")),
        new java.util.TreeSet<>(SafeTensors.read(file).names()));
    Sequential fresh = batchNormNet(2);
    Checkpoint.load(file).restoreModel(fresh);
    trained.namedBuffers().forEach((name, b) -> assertArrayEquals(b.toDoubleArray(),
        fresh.namedBuffers().get(name).toDoubleArray(), name));
    trained.eval();
    fresh.eval();
    Tensor x = Tensor.randn(new Random(7), 4, 6);
    assertArrayEquals(trained.forward(x).toDoubleArray(), fresh.forward(x).toDoubleArray());

    rewriteWithout(file, List.of("1.running_var"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreModel(batchNormNet(3)));
    assertTrue(missing.getMessage().contains("[1.running_var]"), missing.getMessage());
  }

  @Test
  void dtypeMismatchMissingAndExtraParametersAreNamed() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, net(1), null, 0, Map.of());
    Checkpoint c = Checkpoint.load(file);
    Sequential doubles = Mlp.builder().input(6).hidden(5).output(3).dtype(DType.FLOAT64).build();
    IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
        () -> c.restoreModel(doubles));
    assertTrue(dtype.getMessage().contains("FLOAT32") && dtype.getMessage().contains("FLOAT64"),
        dtype.getMessage());
    Sequential deeper = Mlp.builder().input(6).hidden(5, 5).output(3).build();
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> c.restoreModel(deeper));
    assertTrue(missing.getMessage().contains("[4.bias, 4.weight]"), missing.getMessage());
    Sequential shallow = Mlp.builder().input(6).output(3).build();
    IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
        () -> c.restoreModel(shallow));
    assertTrue(extra.getMessage().contains("[2.bias, 2.weight]"), extra.getMessage());
    IllegalArgumentException noOptimizer = assertThrows(IllegalArgumentException.class,
        () -> c.restoreOptimizer(new Sgd(net(1).namedParameters(), 0.1)));
    // what to do too: a model file passed to Trainer.resumeFrom said only "saved without one"
    assertTrue(noOptimizer.getMessage().contains("no optimizer state")
        && noOptimizer.getMessage().contains("resume from a checkpoint the Trainer wrote"),
        noOptimizer.getMessage());
  }

  @Test
  void otherKindOfOptimizerAndForeignFilesAreRejected() throws IOException {
    Sequential net = net(1);
    Path file = trainedAndSaved(net, new Adam(net.namedParameters(), 0.01), 1);
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(new Sgd(net.namedParameters(), 0.1)));
    assertTrue(kind.getMessage().contains(file.toString()) && kind.getMessage().contains("adam"),
        kind.getMessage());

    Path foreign = dir.resolve("weights.safetensors");
    SafeTensors.write(foreign, List.of(), Map.of());
    IllegalArgumentException notOurs = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(foreign));
    assertTrue(notOurs.getMessage().contains("not a jgrad checkpoint"), notOurs.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.save(file, net, null, 1, Map.of("epoch", "7")));
  }

  /**
   * PyTorch's Adam through a checkpoint file: the kind {@code torch-adam} is written, a resume
   * continues its steps exactly, and the book's Adam (the same slots and counts) refuses it, so a
   * resume never switches variants in silence.
   */
  @Test
  void torchAdamResumesExactlyFromAFileAndTheBooksAdamRefusesIt() throws IOException {
    Sequential a = net(1);
    TorchAdam opt = new TorchAdam(a.namedParameters(), 0.01, 1e-3);
    trainSteps(a, opt, 2);
    Path file = dir.resolve("torch-adam.safetensors");
    Checkpoint.save(file, a, opt, 2, Map.of());
    trainSteps(a, opt, 2);
    assertEquals("torch-adam", Checkpoint.load(file).optimizerKind());

    Sequential b = net(5);
    TorchAdam resumed = new TorchAdam(b.namedParameters(), 0.01, 1e-3);
    Checkpoint c = Checkpoint.load(file);
    c.restoreModel(b);
    c.restoreOptimizer(resumed);
    trainSteps(b, resumed, 2);
    assertArrayEquals(a.forward(inputs()).toFloatArray(), b.forward(inputs()).toFloatArray());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(new Adam(net(5).namedParameters(), 0.01)));
    assertTrue(e.getMessage().contains("'torch-adam'"), e.getMessage());
  }

  /**
   * Null metadata threw a raw NullPointerException where a null optimizer is documented and
   * taken: it means none, as the overload without metadata does.
   */
  @Test
  void nullMetadataMeansNoneAsTheOverloadWithoutItDoes() throws IOException {
    Path withNull = dir.resolve("null-metadata.safetensors");
    Checkpoint.save(withNull, net(1), null, 3, null);
    Path without = dir.resolve("no-metadata.safetensors");
    Checkpoint.save(without, net(1), null, 3);
    assertEquals(3, Checkpoint.load(withNull).epoch());
    assertEquals(Checkpoint.load(without).metadata(), Checkpoint.load(withNull).metadata());
    assertArrayEquals(Files.readAllBytes(without), Files.readAllBytes(withNull));
  }

  /**
   * Found by CheckpointFuzzTest: epoch "-1" loaded as -1, and a resumed Trainer would have run
   * an epoch more than asked, numbered -1.
   */
  @Test
  void aNegativeEpochIsRefusedNamingTheFile() throws IOException {
    Path file = dir.resolve("negative.safetensors");
    Checkpoint.save(file, net(1), null, 3, Map.of());
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, String> meta = new HashMap<>(f.metadata());
    meta.put(Checkpoint.EPOCH_KEY, "-1");
    SafeTensors.write(file, f.tensors(), meta);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file));
    assertEquals(file + ": metadata epoch='-1' is negative; a checkpoint counts the epochs"
        + " completed, from 0: pass a file written by Checkpoint.save", e.getMessage());
  }

  @Test
  void anEpochIsAsciiDigitsOnly() throws IOException {
    // Integer.parseInt reads "+3" and the Arabic-Indic digit three as 3; save writes neither
    for (String epoch : new String[] {"+3", "\u0663", " 3"}) {
      Path file = dir.resolve("epoch.safetensors");
      Checkpoint.save(file, net(1), null, 3, Map.of());
      SafeTensorsFile f = SafeTensors.read(file);
      Map<String, String> meta = new HashMap<>(f.metadata());
      meta.put(Checkpoint.EPOCH_KEY, epoch);
      SafeTensors.write(file, f.tensors(), meta);
      assertEquals(file + ": metadata epoch='" + epoch + "' is not a whole number",
          assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file)).getMessage());
    }
  }

  @Test
  void aFailedSaveKeepsThePreviousCheckpoint() throws IOException {
    Path file = dir.resolve("ckpt.safetensors");
    Sequential net = net(1);
    Checkpoint.save(file, net, null, 1, Map.of());
    byte[] before = Files.readAllBytes(file);
    // a parameter whose values cannot be fetched fails the save midway, after the header
    Sequential broken = net(2);
    broken.namedParameters().get("2.bias").buffer().close();
    assertThrows(RuntimeException.class, () -> Checkpoint.save(file, broken, null, 2, Map.of()));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }
}
