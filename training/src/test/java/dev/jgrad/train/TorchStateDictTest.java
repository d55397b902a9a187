package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.io.SafeTensorsFormatException;
import dev.jgrad.nn.BatchNorm;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchStateDict}: jgrad -> file -> jgrad round trips, the file's PyTorch layout, and
 * files PyTorch wrote (the fixtures in {@code dev/jgrad/train/torch/}, from its
 * {@code make_fixtures.py}, whose architectures {@link #mlp} and {@link #cnn} build again).
 */
class TorchStateDictTest {
  @TempDir
  Path dir;

  /** PyTorch's {@code Sequential(Linear(4, 5), ReLU(), Linear(5, 3))}. */
  private static Sequential mlp(long seed) {
    Random random = new Random(seed);
    return new Sequential(new Linear(4, 5, random), new ReLU(), new Linear(5, 3, random));
  }

  /** The fixture's conv net on 6x6 images, with a BatchNorm2d and a BatchNorm1d. */
  private static Sequential cnn(long seed) {
    Random random = new Random(seed);
    return new Sequential(new Unflatten(1, 6, 6), new Conv2d(1, 2, 3, 1, 0, random),
        new BatchNorm2d(2), new ReLU(), new MaxPool2d(2, 2, 0), new Flatten(),
        new Dropout(0.25, random), new Linear(8, 4, random), new BatchNorm1d(4), new ReLU(),
        new Linear(4, 3, random));
  }

  /** Random BatchNorm scales and shifts, and running statistics from 3 training batches. */
  private static Sequential trained(Sequential model, int features, long seed) {
    Random random = new Random(seed);
    for (Module m : model.namedModules().values()) {
      if (m instanceof BatchNorm bn) {
        bn.weight().assign(Tensor.randn(random, bn.channels()).mul(0.25).add(1));
        bn.bias().assign(Tensor.randn(random, bn.channels()).mul(0.25));
      }
    }
    model.train();
    for (int i = 0; i < 3; i++) {
      model.forward(Tensor.randn(random, 8, features).mul(2).add(0.5));
    }
    model.eval();
    return model;
  }

  private static float[] predict(Module model, Tensor x) {
    return model.forward(x).toFloatArray();
  }

  @Test
  void mlpRoundTripPredictsBitForBit() throws IOException {
    Sequential saved = Mlp.builder().input(6).hidden(5, 4).output(3).seed(1).build();
    Path file = dir.resolve("mlp.safetensors");
    TorchStateDict.save(file, saved);
    Sequential loaded = Mlp.builder().input(6).hidden(5, 4).output(3).seed(2).build();
    Tensor x = Tensor.randn(new Random(3), 7, 6);
    assertFalse(Arrays.equals(predict(saved, x), predict(loaded, x)), "seeds 1 and 2 differ");
    TorchStateDict.load(file, loaded);
    assertArrayEquals(predict(saved, x), predict(loaded, x));
  }

  @Test
  void convNetWithBatchNormRoundTripPredictsBitForBit() throws IOException {
    Sequential saved = trained(cnn(1), 36, 4);
    Path file = dir.resolve("cnn.safetensors");
    TorchStateDict.save(file, saved);
    Sequential loaded = cnn(2);
    loaded.eval();
    TorchStateDict.load(file, loaded);
    Tensor x = Tensor.randn(new Random(5), 5, 36);
    assertArrayEquals(predict(saved, x), predict(loaded, x));
    saved.namedBuffers().forEach((name, b) -> assertArrayEquals(b.toDoubleArray(),
        loaded.namedBuffers().get(name).toDoubleArray(), name));
    assertEquals(3.0, loaded.namedBuffers().get("8.num_batches_tracked").item());
  }

  /** What PyTorch's load_state_dict takes: its names, [out, in], an I64 scalar counter. */
  @Test
  void fileHasPyTorchsNamesAndLayout() throws IOException {
    Sequential model = trained(cnn(1), 36, 4);
    Path file = dir.resolve("cnn.safetensors");
    TorchStateDict.save(file, model);
    SafeTensorsFile f = SafeTensors.read(file);
    // the names and shapes of the fixture, which PyTorch's state_dict() wrote
    SafeTensorsFile torch = SafeTensors.read(fixture("cnn.safetensors"));
    assertEquals(List.copyOf(torch.names()), List.copyOf(f.names()));
    for (SafeTensor t : torch.tensors()) {
      assertEquals(t.shape(), f.get(t.name()).shape(), t.name());
      assertEquals(t.isInt64(), f.get(t.name()).isInt64(), t.name());
    }
    assertEquals(Shape.of(4, 8), f.get("7.weight").shape()); // [out, in]
    assertEquals(Shape.of(2, 1, 3, 3), f.get("1.weight").shape());
    assertEquals(Shape.scalar(), f.get("2.num_batches_tracked").shape());
    assertArrayEquals(new long[] {3}, f.get("2.num_batches_tracked").longs());
    float[] w = model.namedParameters().get("7.weight").toFloatArray(); // [8, 4]
    float[] wt = f.get("7.weight").floats();
    for (int in = 0; in < 8; in++) {
      for (int out = 0; out < 4; out++) {
        assertEquals(w[in * 4 + out], wt[out * 8 + in]);
      }
    }
    assertEquals(TorchStateDict.FORMAT, f.metadata().get(Checkpoint.FORMAT_KEY));
    assertTrue(f.metadata().get(Model.DESCRIPTION_KEY).contains("\"BatchNorm1d\""),
        f.metadata().toString());
    assertTrue(f.names().stream().noneMatch(n -> n.startsWith(Checkpoint.OPTIMIZER_PREFIX)));
  }

  /** The fixtures PyTorch wrote give PyTorch's outputs, to float rounding. */
  @Test
  void loadsWhatPyTorchWroteAndPredictsAsPyTorch() throws IOException {
    SafeTensorsFile expected = SafeTensors.read(fixture("expected.safetensors"));
    Map<String, Sequential> models = Map.of("mlp", mlp(1), "cnn", cnn(1));
    for (Map.Entry<String, Sequential> e : models.entrySet()) {
      Sequential model = e.getValue();
      TorchStateDict.load(fixture(e.getKey() + ".safetensors"), model);
      model.eval();
      SafeTensor input = expected.get(e.getKey() + ".input");
      float[] actual = predict(model, Tensor.of(input.floats(), input.shape().dims()));
      float[] torch = expected.get(e.getKey() + ".output").floats();
      assertEquals(torch.length, actual.length);
      for (int i = 0; i < torch.length; i++) {
        assertEquals(torch[i], actual[i], 1e-5 * Math.max(1, Math.abs(torch[i])),
            e.getKey() + " output " + i);
      }
    }
    assertEquals(3.0, models.get("cnn").namedBuffers().get("2.num_batches_tracked").item());
    // a PyTorch file is no jgrad checkpoint: the error says which call reads it
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(fixture("mlp.safetensors")));
    assertTrue(e.getMessage().contains("not a jgrad checkpoint") && e.getMessage().contains(
        "read PyTorch weights (a state_dict file) into a model of the same layers with "
        + "TorchStateDict.load"), e.getMessage());
  }

  @Test
  void missingTensorIsNamedAndNothingChanges() throws IOException {
    Path file = edited(t -> t.name().equals("8.running_var") ? null : t);
    Sequential model = cnn(2);
    float[] before = model.namedBuffers().get("2.running_mean").toFloatArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(file, model));
    assertEquals(file + ": tensor '8.running_var' is missing (missing: [8.running_var]); save"
        + " the state_dict of a PyTorch model with the same layers", e.getMessage());
    assertArrayEquals(before, model.namedBuffers().get("2.running_mean").toFloatArray());
  }

  /**
   * As PyTorch's BatchNorm (torch 2.13, a state_dict without metadata): a file without the
   * counters loads, and the model keeps its own.
   */
  @Test
  void missingBatchCountersKeepTheModels() throws IOException {
    Path file = edited(t -> t.name().endsWith("num_batches_tracked") ? null : t);
    Sequential model = cnn(2);
    model.namedBuffers().get("2.num_batches_tracked").assign(Tensor.of(new double[] {5},
        DType.FLOAT64, 1));
    TorchStateDict.load(file, model);
    assertEquals(5.0, model.namedBuffers().get("2.num_batches_tracked").item());
    assertEquals(0.0, model.namedBuffers().get("8.num_batches_tracked").item());
    SafeTensor mean = SafeTensors.read(fixture("cnn.safetensors")).get("2.running_mean");
    assertArrayEquals(mean.floats(), model.namedBuffers().get("2.running_mean").toFloatArray());
  }

  @Test
  void unexpectedTensorIsNamed() throws IOException {
    Path file = edited(t -> t.name().equals("10.bias")
        ? SafeTensor.ofFloats("11.bias", t.shape(), t.floats()) : t);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(file, cnn(2)));
    assertTrue(e.getMessage().startsWith(file + ": tensor '11.bias' is unexpected: the model has"
        + " no such parameter or buffer (unexpected: [11.bias]; the model's: [1.weight,"),
        e.getMessage());
  }

  @Test
  void wrongShapesAreNamedWithBothShapes() throws IOException {
    // a Linear weight as jgrad holds it, [in, out]
    Path linear = edited(t -> t.name().equals("7.weight")
        ? SafeTensor.ofFloats("7.weight", Shape.of(8, 4), t.floats()) : t);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(linear, cnn(2)));
    assertEquals(linear + ": tensor '7.weight' has shape [8, 4] where [4, 8] is expected;"
        + " PyTorch's Linear weight is [out, in]: this layer is Linear(in=8, out=4)",
        e.getMessage());
    // num_batches_tracked as a jgrad checkpoint holds it
    Path counter = edited(t -> t.name().equals("2.num_batches_tracked")
        ? SafeTensor.ofDoubles(t.name(), Shape.of(1), new double[] {3}) : t);
    e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.load(counter, cnn(2)));
    assertEquals(counter + ": tensor '2.num_batches_tracked' has shape [1] where [] is expected;"
        + " PyTorch's num_batches_tracked is a scalar", e.getMessage());
    Path conv = edited(t -> t.name().equals("1.weight")
        ? SafeTensor.ofFloats("1.weight", Shape.of(2, 9), t.floats()) : t);
    e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.load(conv, cnn(2)));
    assertEquals(conv + ": tensor '1.weight' has shape [2, 9] where [2, 1, 3, 3] is expected;"
        + " build the layer with the PyTorch model's sizes", e.getMessage());
  }

  /**
   * A jgrad checkpoint (Linear weights [in, out]) is refused by its format mark: a square layer's
   * weight used to load transposed without any error (a user trial's outputs off by 0.49), and
   * the other files' errors spoke of shapes or optimizer tensors instead of the file's kind.
   */
  @Test
  void aJgradCheckpointIsRefusedNamingTheCallsThatReadIt() throws IOException {
    Random random = new Random(7);
    Sequential square = new Sequential(new Linear(4, 4, random), new ReLU(),
        new Linear(4, 4, random));
    Path model = dir.resolve("model.safetensors");
    Model.save(model, square);
    Path trainer = dir.resolve("trainer.safetensors");
    Sgd sgd = new Sgd(mlp(1).namedParameters(), 0.1, 0.9, 0);
    Checkpoint.save(trainer, mlp(1), sgd, 1);
    for (Path file : List.of(model, trainer)) {
      Sequential target = file == model ? new Sequential(new Linear(4, 4, new Random(8)),
          new ReLU(), new Linear(4, 4, new Random(9))) : mlp(2);
      float[] before = target.namedParameters().get("0.weight").toFloatArray();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TorchStateDict.load(file, target));
      assertEquals(file + " is a jgrad checkpoint (metadata format=jgrad-checkpoint-1; Linear"
          + " weights [in, out]), not a PyTorch state_dict; load it with Model.load(path), or"
          + " Checkpoint.load(path).restoreModel(model) into a model of the same layers",
          e.getMessage());
      assertArrayEquals(before, target.namedParameters().get("0.weight").toFloatArray());
    }
    // what the message says works, and gives the saved model back
    Tensor x = Tensor.randn(random, 3, 4);
    assertArrayEquals(predict(square.eval(), x), predict(Model.load(model), x));
  }

  /**
   * F16 and BF16 files (PyTorch's {@code .half()}, {@code .bfloat16()}; make_half_fixtures.py)
   * load, converted exactly to the model's FLOAT32 or FLOAT64, said in one INFO line; they used
   * to be refused.
   */
  @Test
  void halfPrecisionFilesLoadConvertedExactly() throws IOException {
    SafeTensorsFile widened = SafeTensors.read(fixture("mlp_half_as_f32.safetensors"));
    for (String half : List.of("f16", "bf16")) {
      for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
        Random random = new Random(2);
        Sequential model = new Sequential(
            new Linear(4, 5, Init.kaimingUniform(), random, dtype), new ReLU(),
            new Linear(5, 3, Init.kaimingUniform(), random, dtype));
        List<String> infos = TestLogs.messages(TorchStateDict.class,
            Level.INFO, () -> TorchStateDict.load(
                fixture("mlp_" + half + ".safetensors"), model));
        assertEquals(List.of(fixture("mlp_" + half + ".safetensors") + ": read half-precision"
            + " tensors converted exactly to the model's dtype ([" + half.toUpperCase(Locale.ROOT)
            + " -> " + dtype + ": 4 tensors, e.g. '0.weight'])"),
            infos);
        Path back = dir.resolve("back.safetensors");
        TorchStateDict.save(back, model); // PyTorch's layout again, in the model's dtype
        for (SafeTensor t : SafeTensors.read(back).tensors()) {
          assertArrayEquals(widened.get(half + "." + t.name()).toDoubleArray(),
              t.toDoubleArray(), half + " " + dtype + " " + t.name());
        }
      }
    }
  }

  /**
   * PyTorch's {@code strict=False}: a backbone into a model with a new head loads what matches
   * and reports the rest; a shape mismatch still fails.
   */
  @Test
  void nonStrictLoadsWhatMatchesAndReportsTheRest() throws IOException {
    Sequential torch = mlp(1);
    TorchStateDict.load(fixture("mlp.safetensors"), torch);
    Random random = new Random(9);
    Sequential withHead = new Sequential(new Linear(4, 5, random), new ReLU(),
        new Linear(5, 3, random), new ReLU(), new Linear(3, 2, random));
    float[] head = withHead.namedParameters().get("4.weight").toFloatArray();
    IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(fixture("mlp.safetensors"), withHead));
    assertTrue(strict.getMessage().contains("is missing"), strict.getMessage());

    IncompatibleKeys keys = TorchStateDict.load(fixture("mlp.safetensors"), withHead,
        StateDictOptions.nonStrict());
    assertEquals(new IncompatibleKeys(List.of("4.bias", "4.weight"), List.of()), keys);
    for (String name : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
      assertArrayEquals(torch.namedParameters().get(name).toFloatArray(),
          withHead.namedParameters().get(name).toFloatArray(), name);
    }
    assertArrayEquals(head, withHead.namedParameters().get("4.weight").toFloatArray());

    // the other way: the file's head is unexpected, and ignored
    Sequential backbone = new Sequential(new Linear(4, 5, random));
    assertEquals(new IncompatibleKeys(List.of(), List.of("2.bias", "2.weight")),
        TorchStateDict.load(fixture("mlp.safetensors"), backbone, StateDictOptions.nonStrict()));
    // a new head of the same name but another size: a shape mismatch fails, as in PyTorch
    Sequential otherHead = new Sequential(new Linear(4, 5, random), new ReLU(),
        new Linear(5, 7, random));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(fixture("mlp.safetensors"), otherHead,
            StateDictOptions.nonStrict()));
    assertTrue(e.getMessage().contains("tensor '2.weight' has shape [3, 5] where [7, 5] is"
        + " expected"), e.getMessage());
  }

  /** A DataParallel file: the strict error says how to strip its prefix, and that loads it. */
  @Test
  void aDataParallelPrefixIsNamedAndStripped() throws IOException {
    List<SafeTensor> prefixed = new ArrayList<>();
    for (SafeTensor t : SafeTensors.read(fixture("mlp.safetensors")).tensors()) {
      prefixed.add(SafeTensor.ofFloats("module." + t.name(), t.shape(), t.floats()));
    }
    Path file = dir.resolve("dataparallel.safetensors");
    SafeTensors.write(file, prefixed);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(file, mlp(2)));
    assertTrue(e.getMessage().endsWith("the names have a DataParallel model's 'module.' prefix:"
        + " load with StateDictOptions.strict().stripPrefix(\"module.\")"), e.getMessage());
    Sequential stripped = mlp(2);
    assertTrue(TorchStateDict.load(file, stripped, StateDictOptions.strict()
        .stripPrefix("module.")).allMatched());
    Sequential direct = mlp(3);
    TorchStateDict.load(fixture("mlp.safetensors"), direct);
    Tensor x = Tensor.randn(new Random(4), 3, 4);
    assertArrayEquals(predict(direct, x), predict(stripped, x));
    // two names renamed to one are refused
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(file, mlp(2), StateDictOptions.nonStrict()
            .renameKeys(n -> "same")));
    assertTrue(clash.getMessage().contains("are both renamed to 'same'"), clash.getMessage());
  }

  /** A count beyond 2^53 has no exact double: the reader refuses it, naming file and tensor. */
  @Test
  void int64BeyondTwoToThe53IsRefused() throws IOException {
    byte[] bytes = Files.readAllBytes(fixture("cnn.safetensors"));
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    int dataStart = (int) (8 + headerLength); // I64 first, by name: 2.num_batches_tracked
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(dataStart, (1L << 53) + 1);
    Path file = dir.resolve("huge.safetensors");
    Files.write(file, bytes);
    SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class,
        () -> TorchStateDict.load(file, cnn(2)));
    assertEquals(dataStart, e.offset());
    assertTrue(e.getMessage().startsWith(file + ": value out of range at byte " + dataStart
        + ": tensor '2.num_batches_tracked' is I64 with value 9007199254740993 at element 0,"
        + " beyond +-2^53"), e.getMessage());
  }

  private static Path fixture(String name) {
    try {
      return Path.of(TorchStateDictTest.class.getResource("torch/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** The PyTorch conv net's file with each tensor replaced by {@code edit}'s (null: dropped). */
  private Path edited(UnaryOperator<SafeTensor> edit) throws IOException {
    List<SafeTensor> tensors = new ArrayList<>();
    for (SafeTensor t : SafeTensors.read(fixture("cnn.safetensors")).tensors()) {
      SafeTensor u = edit.apply(t);
      if (u != null) {
        tensors.add(u);
      }
    }
    Path file = dir.resolve("edited.safetensors");
    SafeTensors.write(file, tensors);
    return file;
  }
}
