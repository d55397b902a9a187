package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.LeakyReLU;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.ModelDescriptionException;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.ModuleTypes;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Sigmoid;
import dev.jgrad.nn.Tanh;
import dev.jgrad.nn.Unflatten;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  @TempDir
  Path dir;

  /** Saves {@code model} as a checkpoint, loads it with a fresh registry, compares outputs. */
  private Module roundTrip(Module model, Tensor x) throws IOException {
    model.eval();
    Path file = dir.resolve("model.safetensors");
    Checkpoint.save(file, model, null, 1, Map.of());
    Module loaded = Model.load(file, ModuleTypes.discover());
    assertFalse(loaded.isTraining(), "loaded in eval mode");
    assertEquals(model.namedParameters().keySet(), loaded.namedParameters().keySet());
    assertEquals(model.namedBuffers().keySet(), loaded.namedBuffers().keySet());
    assertArrayEquals(model.forward(x).toDoubleArray(), loaded.forward(x).toDoubleArray());
    return loaded;
  }

  @Test
  void anMlpRebuildsWithItsActivationsAndComputesTheSame() throws IOException {
    for (Activation a : Activation.values()) {
      Sequential mlp = Mlp.builder().input(6).hidden(5, 4).output(3).activation(a).seed(3).build();
      Module loaded = roundTrip(mlp, Tensor.randn(new Random(1), 7, 6));
      assertEquals(mlp.toString(), loaded.toString(), a.toString());
    }
  }

  @Test
  void aConvNetWithBatchNormAndDropoutRebuildsWithItsRunningStatistics() throws IOException {
    Random random = new Random(5);
    Map<String, Module> layers = new LinkedHashMap<>();
    layers.put("image", new Unflatten(2, 6, 6));
    layers.put("conv", new Conv2d(2, 4, new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 0},
        random, DType.FLOAT32));
    layers.put("bn", new BatchNorm2d(4));
    layers.put("relu", new ReLU());
    layers.put("pool", new MaxPool2d(2, 2, 0));
    layers.put("avg", new AvgPool2d(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}));
    layers.put("flat", new Flatten());
    layers.put("fc1", new Linear(4 * 3 * 2, 5, Init.he(), random));
    layers.put("bn1", new BatchNorm1d(5));
    layers.put("act", new LeakyReLU(0.2));
    layers.put("drop", new Dropout(0.5, random));
    layers.put("fc2", new Linear(5, 3, Init.xavier(), random));
    layers.put("sig", new Sigmoid());
    layers.put("tanh", new Tanh());
    Sequential net = Sequential.named(layers);
    Tensor x = Tensor.randn(new Random(2), 8, 72);
    net.forward(x); // training mode: the running statistics move away from 0 and 1
    assertTrue(net.namedBuffers().get("bn.running_mean").toDoubleArray()[0] != 0);

    Module loaded = roundTrip(net, x);
    assertArrayEquals(net.namedBuffers().get("bn1.running_var").toDoubleArray(),
        loaded.namedBuffers().get("bn1.running_var").toDoubleArray());
    assertEquals("conv.weight", loaded.namedParameters().keySet().iterator().next());
  }

  @Test
  void anOpActivationRebuildsWithItsOpAndAttributes() throws IOException {
    Sequential mlp = Mlp.builder().input(4).hidden(3).output(2)
        .activation(new OpActivation(OpNames.LEAKY_RELU, Attrs.of(AttrKeys.ALPHA, 0.3))).build();
    Module loaded = roundTrip(mlp, Tensor.randn(new Random(1), 5, 4));
    OpActivation.Layer act = (OpActivation.Layer) ((Sequential) loaded).layers().get(1);
    assertEquals(0.3, act.attrs().getDouble(AttrKeys.ALPHA));
    // a Float attribute (0.3f) saves as the Double of its value, which the op reads the same
    Sequential floatAlpha = Mlp.builder().input(4).hidden(3).output(2)
        .activation(new OpActivation(OpNames.LEAKY_RELU, Attrs.of(AttrKeys.ALPHA, 0.3f))).build();
    Module reloaded = roundTrip(floatAlpha, Tensor.randn(new Random(1), 5, 4));
    assertEquals((double) 0.3f, ((OpActivation.Layer) ((Sequential) reloaded).layers().get(1))
        .attrs().getDouble(AttrKeys.ALPHA));

    String m = loadError(mlp("{\"type\":\"OpActivation\",\"op\":\"acme::nope\","
        + "\"attrs\":{}}"));
    assertTrue(m.contains("root.layers[0] (OpActivation): unknown op 'acme::nope'")
        && m.contains("META-INF/services/dev.jgrad.api.op.OpProvider"), m);
    String attrs = loadError(mlp("{\"type\":\"OpActivation\",\"op\":\"jgrad::relu\","
        + "\"attrs\":{\"x\":{}}}"));
    assertTrue(attrs.contains("field 'attrs.x' must be a number, boolean, string"), attrs);
  }

  @Test
  void aFloat64ModelLoadsAsFloat64() throws IOException {
    Sequential mlp = Mlp.builder().input(3).hidden(4).output(2).dtype(DType.FLOAT64).build();
    Module loaded = roundTrip(mlp, Tensor.randn(new Random(1), DType.FLOAT64, 2, 3));
    assertEquals(DType.FLOAT64, loaded.parameters().get(0).dtype());
  }

  @Test
  void aPluginLayerFoundByServiceLoaderRebuilds() throws IOException {
    Sequential net = new Sequential(new Linear(3, 4, Init.he(), new Random(1)),
        new ScaleTypeProvider.Scale(4, 2.5));
    net.namedParameters().get("1.scale").assign(Tensor.of(new float[] {1, 2, 3, 4}, 4));
    Module loaded = roundTrip(net, Tensor.randn(new Random(1), 2, 3));
    assertInstanceOf(ScaleTypeProvider.Scale.class, ((Sequential) loaded).layers().get(1));
    assertEquals(2.5, ((ScaleTypeProvider.Scale) ((Sequential) loaded).layers().get(1)).factor);

    // without the plugin, loading names the type and what to do
    FileFormatException e = assertThrows(FileFormatException.class,
        () -> Model.load(dir.resolve("model.safetensors"), ModuleTypes.builtIns()));
    assertTrue(e.getMessage().contains("root.layers[1] (test.Scale): unknown module type"
        + " 'test.Scale'") && e.getMessage().contains("put its jar on the class path"),
        e.getMessage());
  }

  @Test
  void aCustomModuleSavesWeightsOnlyAndLoadingSaysWhatToDo() throws IOException {
    Module custom = new Module() {
      final Linear fc = registerModule("fc", new Linear(2, 2, Init.he(), new Random(1)));

      @Override
      public Tensor forward(Tensor x) {
        return fc.forward(x);
      }
    };
    Path file = dir.resolve("custom.safetensors");
    Checkpoint.save(file, custom, null, 0, Map.of());
    assertFalse(SafeTensors.read(file).metadata().containsKey(Model.DESCRIPTION_KEY));
    FileFormatException e = assertThrows(FileFormatException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains("saved without one (a custom Module?)")
        && e.getMessage().contains("Checkpoint.load"), e.getMessage());

    ModelDescriptionException save = assertThrows(ModelDescriptionException.class,
        () -> Model.save(dir.resolve("other.safetensors"), new Sequential(custom)));
    assertTrue(save.getMessage().contains("a custom Module?"), save.getMessage());
    assertFalse(Files.exists(dir.resolve("other.safetensors")));
    // the refusal names the state-dict save, which needs no module type, and that one works
    assertTrue(save.getMessage().contains("TorchStateDict.save(file, model)")
        && save.getMessage().contains("torch.save(model.state_dict())"), save.getMessage());
    assertFalse(save.getMessage().contains("\n"), save.getMessage());
    TorchStateDict.save(dir.resolve("state.safetensors"), new Sequential(custom));
    assertEquals(List.of("0.fc.bias", "0.fc.weight"),
        List.copyOf(SafeTensors.read(dir.resolve("state.safetensors")).names()));
  }

  @Test
  void aPluginDescriberThatFailsLeavesTheCheckpointWeightsOnly() throws IOException {
    // NaN cannot be written as JSON: the plugin's describer throws while describing
    Sequential net = new Sequential(new ScaleTypeProvider.Scale(2, Double.NaN));
    Path file = dir.resolve("nan.safetensors");
    Checkpoint.save(file, net, null, 0, Map.of());
    assertFalse(SafeTensors.read(file).metadata().containsKey(Model.DESCRIPTION_KEY));
    Checkpoint.load(file).restoreModel(new Sequential(new ScaleTypeProvider.Scale(2, 1)));
    assertThrows(IllegalArgumentException.class, () -> Model.save(file, net));
  }

  @Test
  void savingTwiceGivesTheSameBytesAndTheDescriptionIsTheOnlyNewEntry() throws IOException {
    Sequential net = Mlp.builder().input(4).hidden(3).output(2).seed(7).build();
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    Model.save(a, net);
    Model.save(b, Mlp.builder().input(4).hidden(3).output(2).seed(7).build());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    SafeTensorsFile f = SafeTensors.read(a);
    assertEquals("{\"format\":\"jgrad-model-1\",\"dtype\":\"FLOAT32\",\"root\":{\"type\":"
        + "\"Sequential\",\"names\":[\"0\",\"1\",\"2\"],\"layers\":[{\"type\":\"Linear\",\"in\":4,"
        + "\"out\":3},{\"type\":\"ReLU\"},{\"type\":\"Linear\",\"in\":3,\"out\":2}]}}",
        f.metadata().get(Model.DESCRIPTION_KEY));
    Map<String, String> without = new HashMap<>(f.metadata());
    without.remove(Model.DESCRIPTION_KEY);
    assertEquals(Map.of("format", Checkpoint.FORMAT, "epoch", "0"), without);
  }

  /** A saved 4-3-2 MLP whose description is replaced by {@code description}. */
  private Path withDescription(String description) throws IOException {
    Path file = dir.resolve("edited.safetensors");
    Model.save(file, Mlp.builder().input(4).hidden(3).output(2).build());
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, String> meta = new HashMap<>(f.metadata());
    meta.put(Model.DESCRIPTION_KEY, description);
    SafeTensors.write(file, f.tensors(), meta);
    return file;
  }

  private String loadError(String description) throws IOException {
    Path file = withDescription(description);
    FileFormatException e = assertThrows(FileFormatException.class, () -> Model.load(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    return e.getMessage();
  }

  private static String doc(String root) {
    return "{\"format\":\"jgrad-model-1\",\"dtype\":\"FLOAT32\",\"root\":" + root + "}";
  }

  private static String mlp(String first) {
    return doc("{\"type\":\"Sequential\",\"names\":[\"0\",\"1\",\"2\"],\"layers\":[" + first
        + ",{\"type\":\"ReLU\"},{\"type\":\"Linear\",\"in\":3,\"out\":2}]}");
  }

  @Test
  void aDescriptionThatDoesNotFitTheTensorsNamesTheTensorAndBothShapes() throws IOException {
    String m = loadError(mlp("{\"type\":\"Linear\",\"in\":5,\"out\":3}"));
    assertTrue(m.contains("does not fit the saved tensors") && m.contains("'0.weight'")
        && m.contains("[4, 3]") && m.contains("[5, 3]"), m);
  }

  /**
   * Found by CheckpointFuzzTest (a padding of 2^31 - 1 loaded): Pool2d checked twice the padding
   * against the kernel in ints, and 2 * 2^30 or more wraps negative.
   */
  @Test
  void aPoolingPaddingWhoseDoubleOverflowsAnIntIsRefused() throws IOException {
    String m = loadError(mlp("{\"type\":\"MaxPool2d\",\"kernel\":[2,2],\"stride\":[2,2],"
        + "\"padding\":[2147483647,0]}"));
    assertTrue(m.contains("root.layers[0] (MaxPool2d): MaxPool2d: padding [2147483647, 0] is"
        + " more than half the kernel [2, 2]"), m);
  }

  /**
   * A type whose jar is there but whose services entry is missing read as "put its jar on the
   * class path", which it was: the message names the services file, and says the provider is
   * not registered when a Module class of the type's name loads.
   */
  @Test
  void anUnknownTypeNamesTheServicesFileAndAnUnregisteredProvider() throws IOException {
    String services = "META-INF/services/dev.jgrad.nn.ModuleTypeProvider";
    String absent = loadError(mlp("{\"type\":\"acme.ResBlock\"}"));
    assertTrue(absent.contains("unknown module type 'acme.ResBlock'; known types are [")
        && absent.contains("If a plugin defines it, put its jar on the class path and list its"
        + " ModuleTypeProvider in " + services), absent);
    String loadable = ScaleTypeProvider.Scale.class.getName();
    String unregistered = loadError(mlp("{\"type\":\"" + loadable + "\"}"));
    assertTrue(unregistered.contains("Class " + loadable + " is on the class path, but its"
        + " provider is not registered: list its ModuleTypeProvider in " + services),
        unregistered);
  }

  @Test
  void garbledDescriptionsFailWithOneClearLine() throws IOException {
    assertTrue(loadError(mlp("{\"type\":\"Linearr\",\"in\":4,\"out\":3}")).contains(
        "root.layers[0] (Linearr): unknown module type 'Linearr'; known types are ["), "unknown");
    String missing = loadError(mlp("{\"type\":\"Linear\",\"in\":4}"));
    assertTrue(missing.contains("root.layers[0] (Linear): field 'out' is missing"), missing);
    String negative = loadError(mlp("{\"type\":\"Linear\",\"in\":-4,\"out\":3}"));
    assertTrue(negative.contains("field 'in' is -4; it must be a whole number from 1"), negative);
    // two billion weights would exhaust the heap before any shape check: refused first
    String huge = loadError(mlp("{\"type\":\"Linear\",\"in\":2000000000,\"out\":1}"));
    assertTrue(huge.contains("root.layers[0] (Linear): its tensors need 2000000001 values, more"
        + " than the " + (2 * 23 + (1 << 20)) + " left of what the file allows"), huge);
    String hugeConv = loadError(mlp("{\"type\":\"Conv2d\",\"in\":2000000000,\"out\":"
        + "2000000000,\"kernel\":[2000000000,2000000000],\"stride\":[1,1],\"padding\":[0,0]}"));
    assertTrue(hugeConv.contains("its tensors need 9223372036854775807 values"), hugeConv);
    String wrongKind = loadError(mlp("{\"type\":\"Linear\",\"in\":\"four\",\"out\":3}"));
    assertTrue(wrongKind.contains("field 'in' must be a whole number >= 1, got the string"),
        wrongKind);
    String badP = loadError(mlp("{\"type\":\"Dropout\",\"p\":1.5,\"seed\":1}"));
    assertTrue(badP.contains("root.layers[0] (Dropout): "), badP);
    String notJson = loadError("{\"format\":");
    assertTrue(notJson.contains("bad JSON in the model description"), notJson);
    String format = loadError("{\"format\":\"jgrad-model-9\"}");
    assertTrue(format.contains("found format jgrad-model-9"), format);
    String notObject = loadError(doc("[1,2]"));
    assertTrue(notObject.contains("root: expected a module object"), notObject);
    String dtype = loadError("{\"format\":\"jgrad-model-1\",\"dtype\":\"INT32\",\"root\":{}}");
    assertTrue(dtype.contains("dtype is INT32"), dtype);
    String deep = "{\"type\":\"ReLU\"}";
    for (int i = 0; i < 20; i++) {
      deep = "{\"type\":\"Sequential\",\"names\":[\"0\"],\"layers\":[" + deep + "]}";
    }
    String tooDeep = loadError(doc(deep));
    assertTrue(tooDeep.contains("nested deeper than 16 levels"), tooDeep);
    String names = loadError(doc("{\"type\":\"Sequential\",\"names\":[\"a.b\"],\"layers\":"
        + "[{\"type\":\"ReLU\"}]}"));
    assertTrue(names.contains("root (Sequential): bad name 'a.b'"), names);
  }

  @Test
  void aBackendSettingThatFailsIsNotBlamedOnTheFile() throws Exception {
    // a service started with -Djgrad.backend=cuda without the CUDA jar was told its model file
    // had a "bad model description"
    Path file = dir.resolve("model.safetensors");
    Model.save(file, Mlp.builder().input(4).hidden(3).output(2).seed(1).build());
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Djgrad.backend=nosuch", "-cp", System.getProperty("java.class.path"),
        LoadOnce.class.getName(), file.toString()).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), output);
    assertTrue(output.contains("IllegalArgumentException: -Djgrad.backend=nosuch: No backend"
        + " named 'nosuch'"), output);
    assertFalse(output.contains("model description"), output);
  }

  /** Loads the model file it is given and prints what that threw. */
  static final class LoadOnce {
    public static void main(String[] args) throws IOException {
      try {
        Model.load(Path.of(args[0]));
        System.out.println("loaded");
      } catch (RuntimeException | IOException e) {
        System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }
}
