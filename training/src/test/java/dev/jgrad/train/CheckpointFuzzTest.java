package dev.jgrad.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.FuzzHarness;
import dev.jgrad.io.Json;
import dev.jgrad.io.JsonMutator;
import dev.jgrad.io.Mutator;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.io.SafeTensorsFormatException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.optim.Adam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of checkpoints and of the model descriptions they hold: an MLP with its Adam
 * state and a small conv net, saved by {@link Checkpoint#save} and {@link Model#save}, then
 * mutated as bytes ({@link Mutator}), as model-description JSON and as metadata values
 * ({@link JsonMutator}). {@link Checkpoint#load} with {@code restoreModel} and
 * {@code restoreOptimizer}, and {@link Model#load}, must either succeed with the file's tensors
 * in the model (a loaded model computing its input or refusing it with an
 * IllegalArgumentException) or fail as documented: a {@link FileFormatException} (Model.load, and
 * the safetensors layer beneath both), or for Checkpoint an IllegalArgumentException, naming the
 * file in one line; never another throwable, a hang or an allocation the file does not justify.
 * About 2,500 mutants (3,300 reads), two or three seconds.
 */
class CheckpointFuzzTest {
  private static final long SEED = 0xC4EC_F011L;
  /** The values of an input row: the MLP's features, the conv net's 4x4 pixels. */
  private static final int MLP_INPUT = 4;
  private static final int CONV_INPUT = 16;

  /** Values a reader of metadata might trust: negative, huge, empty, not a number. */
  private static final String[] ODD_VALUES = {"-1", "0", "", " 1", "+1", "1.0", "1e3", "0x10",
      "2147483647", "2147483648", "-2147483648", "9223372036854775808", "NaN", "\u0663",
      "jgrad-checkpoint-2", "sgd", "adam", "{}", "x".repeat(300)};

  @TempDir Path dir;

  private static Sequential mlp() {
    return Mlp.builder().input(MLP_INPUT).hidden(3).output(2).seed(1).build();
  }

  /**
   * Unflatten, Conv2d, BatchNorm2d, an OpActivation (an op and its attributes), MaxPool2d,
   * Flatten, Linear, Dropout.
   */
  private static Sequential convNet() {
    Random random = new Random(3);
    Map<String, Module> layers = new LinkedHashMap<>();
    layers.put("image", new Unflatten(1, 4, 4));
    layers.put("conv", new Conv2d(1, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
        random, DType.FLOAT32));
    layers.put("bn", new BatchNorm2d(2));
    layers.put("act", new OpActivation(OpNames.LEAKY_RELU, Attrs.of(AttrKeys.ALPHA, 0.1))
        .newModule());
    layers.put("pool", new MaxPool2d(2, 2, 0));
    layers.put("flat", new Flatten());
    layers.put("fc", new Linear(8, 3, Init.he(), random));
    layers.put("drop", new Dropout(0.25, 7));
    return Sequential.named(layers);
  }

  /** The MLP after two Adam steps, so that its optimizer state is not all zeros. */
  private byte[] mlpCheckpoint() throws IOException {
    Sequential net = mlp();
    Adam adam = new Adam(net.namedParameters(), 0.01);
    Tensor x = Tensor.randn(new Random(2), 3, 4);
    for (int i = 0; i < 2; i++) {
      Losses.softmaxCrossEntropyLabels(net.forward(x), Tensor.indices(new int[] {0, 1, 1}))
          .backward();
      adam.step();
      adam.zeroGrad();
    }
    Path file = dir.resolve("valid-mlp.safetensors");
    Checkpoint.save(file, net, adam, 2, Map.of("note", "two steps"));
    return Files.readAllBytes(file);
  }

  private byte[] convModel() throws IOException {
    Sequential net = convNet();
    net.forward(Tensor.randn(new Random(4), 2, CONV_INPUT)); // the running statistics move
    Path file = dir.resolve("valid-conv.safetensors");
    Model.save(file, net);
    return Files.readAllBytes(file);
  }

  // ---- bytes --------------------------------------------------------------------------------

  @Test
  void mutatedCheckpointBytesLoadAsSavedOrFailNamingTheFile() throws IOException {
    fuzzBytes("MLP checkpoint", mlpCheckpoint(), CheckpointFuzzTest::mlp, MLP_INPUT, true,
        300);
  }

  @Test
  void mutatedConvModelBytesLoadAsSavedOrFailNamingTheFile() throws IOException {
    fuzzBytes("conv net model", convModel(), CheckpointFuzzTest::convNet, CONV_INPUT, false,
        250);
  }

  private void fuzzBytes(String name, byte[] valid, Supplier<Sequential> architecture,
      int inputWidth, boolean withOptimizer, int count) throws IOException {
    int headerLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Mutator m = Mutator.of(valid).boundaries(8, 8 + headerLength)
        .field("the header length", 0, 8, ByteOrder.LITTLE_ENDIAN);
    Map<?, ?> header = (Map<?, ?>) Json.parse(name, "header",
        new String(valid, 8, headerLength, UTF_8));
    header.values().forEach(entry -> {
      if (entry instanceof Map<?, ?> e && e.get("data_offsets") instanceof List<?> offsets) {
        m.boundaries(8 + headerLength + ((Long) offsets.get(0)).intValue());
      }
    });
    Path file = dir.resolve("fuzz.safetensors");
    FuzzHarness checkpoints = new FuzzHarness(name + " bytes, Checkpoint.load", SEED);
    FuzzHarness models = new FuzzHarness(name + " bytes, Model.load", SEED);
    for (Mutator.Mutant mutant : m.mutants(SEED, count)) {
      Files.write(file, mutant.bytes());
      loadCheckpoint(checkpoints, file, mutant.index(), mutant.how(), architecture,
          withOptimizer, mutant.bytes().length);
      loadModel(models, file, mutant.index(), mutant.how(), inputWidth);
    }
    checkpoints.assertNoFailures();
    models.assertNoFailures();
  }

  // ---- the model description and the metadata -----------------------------------------------

  @Test
  void editedModelDescriptionsRebuildTheModelOrFailNamingTheFile() throws IOException {
    for (byte[] valid : List.of(mlpCheckpoint(), convModel())) {
      Path saved = dir.resolve("saved.safetensors");
      Files.write(saved, valid);
      SafeTensorsFile f = SafeTensors.read(saved);
      String description = f.metadata().get(Model.DESCRIPTION_KEY);
      boolean conv = description.contains("Conv2d");
      String name = conv ? "conv net" : "MLP";
      int inputWidth = conv ? CONV_INPUT : MLP_INPUT;
      FuzzHarness h = new FuzzHarness(name + " model description edited as JSON", SEED);
      List<JsonMutator.Edit> edits = JsonMutator.edits(description, SEED, 1, 200);
      Path file = dir.resolve("description.safetensors");
      for (int index = 0; index < edits.size(); index++) {
        Map<String, String> meta = new HashMap<>(f.metadata());
        meta.put(Model.DESCRIPTION_KEY, edits.get(index).json());
        Files.write(file, SafeTensors.toBytes(f.tensors(), meta)); // no fsync: fast
        loadModel(h, file, index, edits.get(index).how(), inputWidth);
      }
      h.assertNoFailures();
    }
  }

  @Test
  void editedCheckpointMetadataLoadsOrFailsNamingTheFile() throws IOException {
    Path saved = dir.resolve("saved.safetensors");
    Files.write(saved, mlpCheckpoint());
    SafeTensorsFile f = SafeTensors.read(saved);
    Path file = dir.resolve("metadata.safetensors");
    FuzzHarness checkpoints = new FuzzHarness("MLP checkpoint metadata, Checkpoint.load", SEED);
    FuzzHarness models = new FuzzHarness("MLP checkpoint metadata, Model.load", SEED);
    int index = 0;
    for (String key : new TreeSet<>(f.metadata().keySet())) {
      for (int v = -1; v < ODD_VALUES.length; v++) {
        Map<String, String> meta = new HashMap<>(f.metadata());
        String how;
        if (v < 0) {
          meta.remove(key);
          how = "remove " + key;
        } else {
          meta.put(key, ODD_VALUES[v]);
          how = "set " + key + " to \"" + ODD_VALUES[v] + "\"";
        }
        Files.write(file, SafeTensors.toBytes(f.tensors(), meta)); // no fsync: fast
        loadCheckpoint(checkpoints, file, index, how, CheckpointFuzzTest::mlp, true, -1);
        loadModel(models, file, index, how, MLP_INPUT);
        index++;
      }
    }
    checkpoints.assertNoFailures();
    models.assertNoFailures();
  }

  // ---- the reads and their checks -------------------------------------------------------------

  /**
   * Checkpoint.load, then restoreModel into a fresh model of the architecture saved and, with
   * {@code withOptimizer}, restoreOptimizer into a fresh Adam.
   */
  private static void loadCheckpoint(FuzzHarness h, Path file, int index, String how,
      Supplier<Sequential> architecture, boolean withOptimizer, long length) {
    h.run(index, how, () -> {
      Checkpoint c = Checkpoint.load(file);
      Sequential net = architecture.get();
      c.restoreModel(net);
      if (withOptimizer) {
        c.restoreOptimizer(new Adam(net.namedParameters(), 0.01));
      }
      return Map.entry(c, net);
    }, loaded -> {
      assertTrue(loaded.getKey().epoch() >= 0, "epoch " + loaded.getKey().epoch());
      assertHoldsTheFilesTensors(loaded.getValue(), file);
    }, t -> t.getClass() == IllegalArgumentException.class ? namesTheFile(t, file)
        : FuzzHarness.formatError(SafeTensorsFormatException.class, file.toString(), length)
            .judge(t));
  }

  /** Why {@code t}'s message is not one line naming {@code file}, or null. */
  private static String namesTheFile(Throwable t, Path file) {
    String m = t.getMessage();
    return m != null && m.contains(file.toString()) && !m.contains("\n") ? null
        : "the message does not name the file in one line";
  }

  /**
   * Model.load; a model it returns must hold the file's tensors and compute on rows of {@code
   * inputWidth} values, the saved architecture's input.
   */
  private static void loadModel(FuzzHarness h, Path file, int index, String how,
      int inputWidth) {
    h.run(index, how, () -> Model.load(file), model -> {
      assertFalse(model.isTraining(), "loaded in eval mode");
      assertHoldsTheFilesTensors(model, file);
      computesOrRefusesTheInput(model, inputWidth);
    }, t -> {
      if (t instanceof SafeTensorsFormatException) {
        return FuzzHarness.formatError(SafeTensorsFormatException.class, file.toString(), -1)
            .judge(t);
      }
      return t.getClass() != FileFormatException.class ? "expected a FileFormatException"
          : FuzzHarness.oneLineNaming(t, file.toString());
    });
  }

  /**
   * {@code model} computes a batch of rows of {@code width} values, or refuses them with an
   * IllegalArgumentException: a description edited to other sizes (a pooling window, an
   * Unflatten shape) takes other inputs.
   */
  private static void computesOrRefusesTheInput(Module model, int width) {
    Tensor y;
    try {
      y = model.forward(Tensor.randn(new Random(5), 2, width));
    } catch (IllegalArgumentException e) {
      return;
    }
    assertEquals(2, y.shape().dim(0), "a row of output for each input row: " + y.shape());
  }

  /** Every parameter and buffer of {@code model} is the file's tensor of its name. */
  private static void assertHoldsTheFilesTensors(Module model, Path file) throws IOException {
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, Tensor> state = new LinkedHashMap<>(model.namedParameters());
    state.putAll(model.namedBuffers());
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      assertEquals(f.get(e.getKey()).shape(), e.getValue().shape(), e.getKey());
      assertArrayEquals(f.get(e.getKey()).toDoubleArray(), e.getValue().toDoubleArray(),
          e.getKey());
    }
  }
}
