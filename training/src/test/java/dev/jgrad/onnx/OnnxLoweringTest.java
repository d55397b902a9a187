package dev.jgrad.onnx;

import static dev.jgrad.onnx.ExportFailures.assertContains;
import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Tanh;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom modules and plugin ops exported through {@link OnnxLowering}s, given per export or found
 * by ServiceLoader, run in ONNX Runtime and agree with jgrad's forward pass; a lowering's mistakes
 * fail the export in one line naming the layer and the lowering.
 */
class OnnxLoweringTest {
  @TempDir
  Path dir;

  /** A custom layer: {@code y = x * factor}, a learned factor per feature. */
  static final class Scale extends Module {
    private final Tensor factor;

    Scale(int features, Random random) {
      factor = registerParameter("factor", Tensor.uniform(random, 0.5, 2, DType.FLOAT32,
          features));
    }

    Tensor factor() {
      return factor;
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.mul(factor);
    }
  }

  /** A custom block of sub-modules: {@code y = x + body(x)}. */
  static final class Residual extends Module {
    private final Module body;

    Residual(Module body) {
      this.body = registerModule("body", body);
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.add(body.forward(x));
    }
  }

  /** A custom block that changes the features: {@code y = relu(fc(x))}. */
  static final class Head extends Module {
    private final Linear fc;

    Head(int in, int out, Random random) {
      fc = registerModule("fc", new Linear(in, out, Init.he(), random));
    }

    @Override
    public Tensor forward(Tensor x) {
      return fc.forward(x).relu();
    }
  }

  private static String scale(Scale layer, OnnxLoweringContext onnx) {
    return onnx.node("Mul", List.of(onnx.input(), onnx.initializer("factor", layer.factor())),
        onnx.name("out")).output();
  }

  private static String residual(Residual block, OnnxLoweringContext onnx) {
    String body = onnx.child("body", onnx.input());
    return onnx.node("Add", List.of(onnx.input(), body), onnx.name("out")).output();
  }

  private static String head(Head block, OnnxLoweringContext onnx) {
    String fc = onnx.child("fc", onnx.input());
    onnx.outputDims(onnx.dims(fc)); // Relu's output: dims the exporter cannot know
    return onnx.node("Relu", List.of(fc), onnx.name("out")).output();
  }

  @Test
  void aCustomModuleLoweredPerExportRunsInOnnxRuntime() throws IOException, OrtException {
    Random random = new Random(11);
    Sequential net = new Sequential(new Linear(12, 8, Init.he(), random), new Scale(8, random),
        new Tanh(), new Linear(8, 3, Init.xavier(), random));
    OnnxRuntimeCheck.assertMatches(OnnxExporter.builder().lower(Scale.class,
        OnnxLoweringTest::scale), net, new int[] {12}, dir, batches(DType.FLOAT32, 12));
  }

  @Test
  void blocksLowerTheirSubModulesByName() throws IOException, OrtException {
    Random random = new Random(12);
    // the sub-modules are built-in layers and a custom one; Head maps 8 features to 5
    Sequential net = new Sequential(new Linear(6, 8, Init.he(), random),
        new Residual(new Sequential(new Linear(8, 8, Init.he(), random), new ReLU(),
            new Scale(8, random))),
        new Head(8, 5, random), new Linear(5, 2, Init.xavier(), random));
    OnnxExporter.Builder exporter = OnnxExporter.builder()
        .lower(Scale.class, OnnxLoweringTest::scale)
        .lower(Residual.class, OnnxLoweringTest::residual)
        .lower(Head.class, OnnxLoweringTest::head);
    OnnxRuntimeCheck.assertMatches(exporter, net, new int[] {6}, dir, batches(DType.FLOAT32, 6));
    // the sub-modules' weights keep the model's names
    String names = new String(exporter.toBytes(net, new int[] {6}), "ISO-8859-1");
    assertContains(names, "1.body.0.weight", "1.body.2.factor", "2.fc.weight");
  }

  @Test
  void aWholeModelMayBeACustomModule() throws IOException, OrtException {
    Random random = new Random(13);
    OnnxRuntimeCheck.assertMatches(OnnxExporter.builder().lower(Head.class,
        OnnxLoweringTest::head), new Head(4, 3, random), new int[] {4}, dir,
        batches(DType.FLOAT32, 4));
  }

  @Test
  void everyAttributeKindRunsInOnnxRuntime() throws IOException, OrtException {
    // Scale again, as Einsum (a STRING attribute) of the input and a Constant (FLOATS)
    OnnxLowering<Scale> einsum = (layer, onnx) -> {
      String factor = onnx.node("Constant", List.of(), onnx.name("factor"))
          .floats("value_floats", layer.factor().toFloatArray()).output();
      return onnx.node("Einsum", List.of(onnx.input(), factor), onnx.name("out"))
          .string("equation", "ni,i->ni").output();
    };
    Random random = new Random(14);
    Sequential net = new Sequential(new Scale(5, random), new Linear(5, 2, Init.he(), random));
    OnnxRuntimeCheck.assertMatches(OnnxExporter.builder().lower(Scale.class, einsum), net,
        new int[] {5}, dir, batches(DType.FLOAT32, 5));
  }

  @Test
  void aPluginOpIsLoweredByTheProviderItsJarShips() throws IOException, OrtException {
    for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
      Sequential mlp = Mlp.builder().input(10).hidden(6, 4).output(3).seed(5).dtype(dtype)
          .activation(new OpActivation(CubeOps.CUBE, Attrs.of("scale", 0.5))).build();
      // the plain static export: CubeOnnx is listed in META-INF/services
      OnnxRuntimeCheck.assertMatches(mlp, new int[] {10}, dir, batches(dtype, 10));
    }
  }

  @Test
  void aLoweringGivenPerExportComesBeforeBuiltInsAndProviders() throws IOException,
      OrtException {
    List<String> used = new ArrayList<>();
    OnnxExporter.Builder exporter = OnnxExporter.builder()
        .lower(ReLU.class, (relu, onnx) -> {
          used.add("relu " + onnx.path());
          return onnx.node("Relu", List.of(onnx.input()), onnx.name("out")).output();
        })
        .lowerOp(CubeOps.CUBE, (layer, onnx) -> {
          used.add("cube " + onnx.path());
          return CubeOnnx.cube(layer, onnx);
        });
    Random random = new Random(15);
    Sequential net = new Sequential(new Linear(4, 4, Init.he(), random), new ReLU(),
        new OpActivation(CubeOps.CUBE).newModule(), new Linear(4, 2, Init.he(), random));
    OnnxRuntimeCheck.assertMatches(exporter, net, new int[] {4}, dir, batches(DType.FLOAT32, 4));
    assertEquals(List.of("relu 1", "cube 2"), used);
  }

  // ---- a lowering's mistakes: one line naming the layer and the lowering -----------------------

  private static final String PER_EXPORT = "lowered by OnnxExporter.builder().lower(Scale.class,"
      + " ...)";

  private static String loweringFailure(OnnxLowering<Scale> lowering) {
    Random random = new Random(1);
    Sequential net = new Sequential(new Linear(3, 2, Init.he(), random), new Scale(2, random));
    return ExportFailures.failure(() -> OnnxExporter.builder().lower(Scale.class, lowering)
        .toBytes(net, new int[] {3}));
  }

  @Test
  void aLoweringMustReturnTheNameOfAValueItDefines() {
    assertContains(loweringFailure((layer, onnx) -> null), "OnnxExporter: layer 1 (Scale), " + PER_EXPORT
        + ", returned null; return the name of the module's output");
    assertContains(loweringFailure((layer, onnx) -> "nothing"), "layer 1 (Scale), " + PER_EXPORT
        + ", returned 'nothing', which no node, initializer or input defines");
  }

  @Test
  void aNodeMustReadDefinedValuesAndWriteANewOne() {
    assertContains(loweringFailure((layer, onnx) -> onnx.node("Mul", List.of(onnx.input(), "ghost"),
        onnx.name("out")).output()), "layer 1 (Scale), " + PER_EXPORT + ", adds node Mul reading"
        + " 'ghost', which nothing defines before it");
    // "0.out" is what Linear at layer 0 wrote
    assertContains(loweringFailure((layer, onnx) -> onnx.node("Relu", List.of(onnx.input()), "0.out")
        .output()), "adds node Relu writing '0.out', which is defined already");
    assertContains(loweringFailure((layer, onnx) -> onnx.node("Relu", List.of(onnx.input()),
        OnnxExporter.OUTPUT).output()), "writing 'output', which is defined already");
    assertContains(loweringFailure((layer, onnx) -> onnx.node("", List.of(), "x").output()),
        "adds a node without an op type");
    assertContains(loweringFailure((layer, onnx) -> onnx.initializer("f", Tensor.scalar(1, DType.FLOAT32))
        + onnx.int64Initializer("f", 1)), "adds initializer '1.f', which is defined already");
  }

  /** A lowering of a class of its own is named by its class. */
  static final class NamedLowering implements OnnxLowering<Scale> {
    @Override
    public String lower(Scale module, OnnxLoweringContext onnx) {
      throw new IllegalStateException("not ready");
    }
  }

  @Test
  void whatALoweringThrowsNamesTheLayerAndKeepsTheCause() {
    Random random = new Random(1);
    Sequential net = new Sequential(new Scale(3, random));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExporter.builder().lower(Scale.class, new NamedLowering())
            .toBytes(net, new int[] {3}));
    assertContains(e.getMessage(), "OnnxExporter: layer 0 (Scale), lowered by "
        + NamedLowering.class.getName() + " (OnnxExporter.builder().lower(Scale.class, ...)),"
        + " failed: java.lang.IllegalStateException: not ready");
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void subModulesAreLoweredOnceEachByTheirNames() {
    Random random = new Random(1);
    Residual block = new Residual(new Linear(3, 3, Init.he(), random));
    OnnxLowering<Residual> unknown = (b, onnx) -> onnx.child("tail", onnx.input());
    assertContains(ExportFailures.failure(() -> OnnxExporter.builder()
        .lower(Residual.class, unknown).toBytes(block, new int[] {3})), "the model (Residual),"
        + " lowered by OnnxExporter.builder().lower(Residual.class, ...), lowers sub-module"
        + " 'tail', which it does not have; its sub-modules are [body]");
    OnnxLowering<Residual> twice = (b, onnx) -> onnx.child("body", onnx.child("body",
        onnx.input()));
    assertContains(ExportFailures.failure(() -> OnnxExporter.builder()
        .lower(Residual.class, twice).toBytes(block, new int[] {3})), "lowers sub-module 'body'"
        + " twice");
    // a sub-module's own refusal passes through as it is, naming the sub-module
    assertContains(ExportFailures.failure(() -> OnnxExporter.builder()
        .lower(Residual.class, OnnxLoweringTest::residual).toBytes(block, new int[] {4})),
        "OnnxExporter: layer body (Linear(3 -> 3)) needs input [N, 3] but gets [N, 4]");
    assertContains(ExportFailures.failure(() -> OnnxExporter.builder()
        .lower(Residual.class, (b, onnx) -> onnx.child("body", onnx.name("tmp")))
        .toBytes(block, new int[] {3})), "lowers sub-module 'body' reading 'y.tmp', which"
        + " nothing defines");
  }

  @Test
  void theBuilderRefusesAmbiguousRegistrations() {
    OnnxExporter.Builder b = OnnxExporter.builder().lower(Scale.class, OnnxLoweringTest::scale);
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> b.lower(Scale.class, OnnxLoweringTest::scale)).getMessage(),
        Scale.class.getName() + " has a lowering already");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> b.lower(Module.class, (m, onnx) -> onnx.input())).getMessage(),
        "dev.jgrad.nn.Module is abstract, and lowerings match a module's exact class");
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> b.lowerOp("cube", CubeOnnx::cube)).getMessage(),
        "op 'cube' is not a qualified name namespace::op");
    b.lowerOp(CubeOps.CUBE, CubeOnnx::cube);
    assertContains(assertThrows(IllegalArgumentException.class,
        () -> b.lowerOp(CubeOps.CUBE, CubeOnnx::cube)).getMessage(),
        "op onnxtest::cube has a lowering already");
  }

  // ---- providers found by ServiceLoader --------------------------------------------------------

  /** One of two providers lowering one op. */
  public static final class FirstDup implements OnnxOpLoweringProvider {
    @Override
    public Map<String, OnnxLowering<OpActivation.Layer>> lowerings() {
      return Map.of("onnxtest::dup", (layer, onnx) -> onnx.input());
    }
  }

  /** The other. */
  public static final class SecondDup implements OnnxOpLoweringProvider {
    @Override
    public Map<String, OnnxLowering<OpActivation.Layer>> lowerings() {
      return Map.of("onnxtest::dup", (layer, onnx) -> onnx.input());
    }
  }

  /**
   * Runs {@code export} with a context class loader that also lists {@code providers} in a
   * services file, as jars on the class path would.
   */
  private String withProviders(ThrowingSupplier export, String... providers) throws Exception {
    return withProviders(OnnxOpLoweringProvider.class, export, providers);
  }

  /** {@link #withProviders(ThrowingSupplier, String...)} for the service {@code service}. */
  private String withProviders(Class<?> service, ThrowingSupplier export, String... providers)
      throws Exception {
    Path services = dir.resolve("jar/META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve(service.getName()), List.of(providers));
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.resolve("jar").toUri().toURL()},
        before)) {
      thread.setContextClassLoader(jar);
      return export.get();
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    String get() throws Exception;
  }

  private static Sequential withOp(String op) {
    return Mlp.builder().input(3).hidden(2).output(2).activation(new OpActivation(op)).build();
  }

  @Test
  void twoProvidersOfOneOpFailItsExportNamingBoth() throws Exception {
    String message = withProviders(() -> ExportFailures.failure(() -> OnnxExporter.toBytes(
        withOp("onnxtest::dup"), new int[] {3})), FirstDup.class.getName(),
        SecondDup.class.getName());
    assertContains(message, "OnnxExporter: layer 1 uses op onnxtest::dup, which two ONNX"
        + " lowering providers lower: ", FirstDup.class.getName(), SecondDup.class.getName(),
        "OnnxExporter.builder().lowerOp(\"onnxtest::dup\", ...)");
    // a model without that op exports, and a lowering given per export settles it
    withProviders(() -> OnnxExporter.toBytes(withOp(CubeOps.CUBE), new int[] {3}).toString(),
        FirstDup.class.getName(), SecondDup.class.getName());
    withProviders(() -> OnnxExporter.builder().lowerOp("onnxtest::dup", (l, onnx) -> onnx.input())
        .toBytes(withOp("onnxtest::dup"), new int[] {3}).toString(), FirstDup.class.getName(),
        SecondDup.class.getName());
  }

  @Test
  void aProviderThatFailsToLoadIsNamedWhereItsOpHasNoLowering() throws Exception {
    String message = withProviders(() -> ExportFailures.failure(() -> OnnxExporter.toBytes(
        withOp("onnxtest::none"), new int[] {3})), "dev.jgrad.onnx.NoSuchProvider");
    assertContains(message, "layer 1 is Layer (onnxtest::none)", "an ONNX lowering provider"
        + " failed to load: ", "dev.jgrad.onnx.NoSuchProvider");
    assertTrue(OnnxExporter.toBytes(withOp(CubeOps.CUBE), new int[] {3}).length > 0);
  }

  // ---- module lowerings found by ServiceLoader -------------------------------------------------

  private static Sequential withCubeBlock() {
    Random random = new Random(21);
    return new Sequential(new Linear(6, 5, Init.he(), random), new CubeBlock(5, 7, 0.5, random),
        new Linear(5, 3, Init.xavier(), random));
  }

  private static String names(byte[] onnx) {
    return new String(onnx, StandardCharsets.ISO_8859_1);
  }

  /**
   * A custom module calling a plugin op in its forward exports with the plain exporter: its
   * lowering comes from an OnnxModuleLoweringProvider and applies the op's own lowering (CubeOnnx,
   * under the block's path) with onnx.op. Before, only an OpActivation layer found a provider.
   */
  @Test
  void aCustomModuleCallingAPluginOpExportsWithThePlainExporter() throws IOException,
      OrtException {
    Sequential net = withCubeBlock();
    OnnxRuntimeCheck.assertMatches(net, new int[] {6}, dir, batches(DType.FLOAT32, 6));
    assertContains(names(OnnxExporter.toBytes(net, new int[] {6})), "1.fc1.weight",
        "1.cube.square", "1.cube.scale", "1.fc2.weight");
  }

  /** The second provider of CubeBlock's lowering. */
  public static final class SecondCubeBlockOnnx implements OnnxModuleLoweringProvider {
    @Override
    public List<OnnxModuleLowering<?>> lowerings() {
      return List.of(OnnxModuleLowering.of(CubeBlock.class, CubeBlock.Onnx::lower));
    }
  }

  /** As for ops: a lowering given per export comes first, and settles two providers' clash. */
  @Test
  void aModuleLoweringGivenPerExportComesBeforeProvidersAndSettlesTwo() throws Exception {
    Sequential net = withCubeBlock();
    OnnxExporter.Builder given = OnnxExporter.builder().lower(CubeBlock.class, (block, onnx) -> {
      String cubed = onnx.op(CubeOps.CUBE, block.attrs(), onnx.child("fc1", onnx.input()));
      String o = onnx.child("fc2", cubed);
      return onnx.node("Add", List.of(o, onnx.input()), onnx.name("given")).output();
    });
    OnnxRuntimeCheck.assertMatches(given, net, new int[] {6}, dir, batches(DType.FLOAT32, 6));
    assertContains(names(given.toBytes(net, new int[] {6})), "1.given");

    String second = SecondCubeBlockOnnx.class.getName();
    String message = withProviders(OnnxModuleLoweringProvider.class, () -> ExportFailures.failure(
        () -> OnnxExporter.toBytes(net, new int[] {6})), second);
    assertContains(message, "OnnxExporter: layer 1 is CubeBlock, which two ONNX module lowering"
        + " providers lower: ", CubeBlock.Onnx.class.getName(), second,
        "OnnxExporter.builder().lower(CubeBlock.class, ...)");
    assertContains(withProviders(OnnxModuleLoweringProvider.class,
        () -> names(given.toBytes(net, new int[] {6})), second), "1.given");
  }

  /**
   * child(name, value) on nodes' output said "asks the dims of ..., keep track of the others",
   * though the lowering never asked: it says to pass the dims, with the Linear's as the example.
   */
  @Test
  void aChildReadingAValueOfUnknownDimsSaysToPassThem() {
    OnnxLowering<CubeBlock> squared = (block, onnx) -> {
      String h = onnx.child("fc1", onnx.input());
      String sq = onnx.node("Mul", List.of(h, h), onnx.name("sq")).output();
      return onnx.child("fc2", sq);
    };
    String message = ExportFailures.failure(() -> OnnxExporter.builder()
        .lower(CubeBlock.class, squared).toBytes(withCubeBlock(), new int[] {6}));
    assertContains(message, "layer 1 (CubeBlock), lowered by OnnxExporter.builder().lower("
        + "CubeBlock.class, ...), lowers sub-module 'fc2' reading '1.sq', whose per-sample dims it"
        + " does not know", "pass them, e.g. onnx.child(\"fc2\", \"1.sq\", 7)");
    OnnxLowering<CubeBlock> withDims = (block, onnx) -> {
      String h = onnx.child("fc1", onnx.input());
      String sq = onnx.node("Mul", List.of(h, h), onnx.name("sq")).output();
      return onnx.child("fc2", sq, 7);
    };
    assertTrue(OnnxExporter.builder().lower(CubeBlock.class, withDims)
        .toBytes(withCubeBlock(), new int[] {6}).length > 0);
  }
}
