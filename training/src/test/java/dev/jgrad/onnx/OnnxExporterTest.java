package dev.jgrad.onnx;

import static dev.jgrad.onnx.ExportFailures.assertContains;
import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm;
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
import dev.jgrad.nn.Module;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Sigmoid;
import dev.jgrad.nn.Tanh;
import dev.jgrad.nn.Unflatten;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exported models run in ONNX Runtime and agree with jgrad's forward pass to 1e-5. */
class OnnxExporterTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Activation.class)
  void mlp784x100x10RunsInOnnxRuntime(Activation activation) throws IOException, OrtException {
    Sequential mlp = Mlp.builder().input(784).hidden(100).output(10).activation(activation)
        .seed(42).build();
    OnnxRuntimeCheck.assertMatches(mlp, new int[] {784}, dir, batches(DType.FLOAT32, 784));
  }

  @Test
  void float64ModelsExportAsDouble() throws IOException, OrtException {
    Sequential mlp = Mlp.builder().input(30).hidden(20, 10).output(4).activation(Activation.TANH)
        .dtype(DType.FLOAT64).build();
    OnnxRuntimeCheck.assertMatches(mlp, new int[] {30}, dir, batches(DType.FLOAT64, 30));
  }

  /** Running statistics far from PyTorch's start (0, 1), and a scale and shift that are not 1, 0. */
  private static void trainStatistics(Module net, BatchNorm bn, int... sampleShape) {
    Random random = new Random(3);
    for (int step = 0; step < 5; step++) {
      int[] shape = new int[sampleShape.length + 1];
      shape[0] = 8;
      System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
      net.forward(Tensor.randn(random, shape).mul(3).add(2)); // training mode: stats move
    }
    int c = bn.channels();
    bn.weight().assign(Tensor.uniform(random, 0.5, 2, DType.FLOAT32, c));
    bn.bias().assign(Tensor.uniform(random, -1, 1, DType.FLOAT32, c));
    assertTrue(Arrays.stream(bn.runningMean().toDoubleArray()).map(Math::abs).max()
        .orElseThrow() > 0.1, "the running means moved");
    assertTrue(Arrays.stream(bn.runningVar().toDoubleArray()).map(v -> Math.abs(v - 1))
        .max().orElseThrow() > 0.1, "the running variances moved");
  }

  @Test
  void batchNorm1dUsesTheRunningStatistics() throws IOException, OrtException {
    Random random = new Random(5);
    BatchNorm1d bn = new BatchNorm1d(16);
    Sequential net = new Sequential(new Linear(20, 16, Init.he(), random), bn, new ReLU(),
        new Dropout(0.5, random), new Linear(16, 5, Init.xavier(), random));
    trainStatistics(net, bn, 20);
    OnnxRuntimeCheck.assertMatches(net, new int[] {20}, dir, batches(DType.FLOAT32, 20));
  }

  @Test
  void batchNorm2dUsesTheRunningStatistics() throws IOException, OrtException {
    Random random = new Random(6);
    BatchNorm2d bn = new BatchNorm2d(4);
    Sequential net = new Sequential(new Conv2d(3, 4, 3, 1, 1, random), bn, new ReLU(),
        new MaxPool2d(2, 2, 0), new Flatten(), new Linear(4 * 4 * 4, 6, Init.he(), random));
    trainStatistics(net, bn, 3, 8, 8);
    OnnxRuntimeCheck.assertMatches(net, new int[] {3, 8, 8}, dir, batches(DType.FLOAT32, 3, 8, 8));
  }

  @Test
  void stridedPaddedConvolutionsAndPoolings() throws IOException, OrtException {
    Random random = new Random(8);
    // 11x9 -> conv 3x3 s2 p1: 6x5 -> conv 3x2 s(2,1) p(1,0): 3x4 -> avg 3 s2 p1: 2x2
    // -> max 2 s1 p1: 3x3
    Sequential net = new Sequential(
        new Unflatten(2, 11, 9),
        new Conv2d(2, 5, 3, 2, 1, random), new LeakyReLU(0.1),
        new Conv2d(5, 4, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, random,
            DType.FLOAT32), new Sigmoid(),
        new AvgPool2d(3, 2, 1), new MaxPool2d(2, 1, 1), new Tanh(),
        new Sequential(new Flatten(), new Linear(4 * 3 * 3, 7, Init.he(), random)));
    OnnxRuntimeCheck.assertMatches(net, new int[] {2 * 11 * 9}, dir,
        batches(DType.FLOAT32, 2 * 11 * 9));
  }

  @Test
  void theFileIsAnOnnxModelOfOpset17() throws IOException {
    Path file = dir.resolve("sub/mlp.onnx");
    OnnxExporter.export(new Sequential(new Linear(3, 2, Init.he(), new Random(1))),
        new int[] {3}, file);
    byte[] bytes = Files.readAllBytes(file);
    // ModelProto starts with ir_version (field 1, varint): 08 08
    assertTrue(bytes[0] == 0x08 && bytes[1] == OnnxExporter.IR_VERSION);
    // and ends with opset_import (field 8): 42 04 {domain "", version 17}
    byte[] tail = Arrays.copyOfRange(bytes, bytes.length - 6, bytes.length);
    assertTrue(Arrays.equals(new byte[] {0x42, 4, 0x0a, 0, 0x10, 17}, tail));
  }

  // ---- bad input: one line naming the layer, what it needs and what to do ----------------------

  private static String failure(Module model, int... sampleShape) {
    return ExportFailures.failure(() -> OnnxExporter.toBytes(model, sampleShape));
  }

  /** A layer of the user's own, which the exporter cannot know. */
  private static final class Square extends Module {
    @Override
    public Tensor forward(Tensor x) {
      return x.mul(x);
    }
  }

  @Test
  void anUnsupportedModuleIsNamedWithItsPlace() {
    Random random = new Random(1);
    Sequential net = new Sequential(new Linear(4, 3, Init.he(), random),
        new Sequential(new ReLU(), new Square()));
    assertContains(failure(net, 4), "layer 1.1 is Square", "does not support", "Linear",
        "Sequential of those layers", "or give it a lowering:"
        + " OnnxExporter.builder().lower(Square.class, lowering) (see OnnxLowering), or an"
        + " OnnxModuleLoweringProvider in its jar");
    assertContains(failure(new Square(), 4), "the model is Square");
    // an op activation's layer is a nested class: the message adds what it computes, and says
    // how to lower its op
    Sequential withOp = Mlp.builder().input(4).hidden(3).output(2)
        .activation(new OpActivation(OpNames.RELU)).build();
    assertContains(failure(withOp, 4), "layer 1 is Layer (jgrad::relu)", "or give its op a"
        + " lowering: OnnxExporter.builder().lowerOp(\"jgrad::relu\", lowering), or an"
        + " OnnxOpLoweringProvider in the op's jar");
  }

  @Test
  void mixedOrNonFloatDtypesAreRefused() {
    Random random = new Random(1);
    Sequential mixed = new Sequential(new Linear(4, 3, Init.he(), random),
        new Linear(3, 2, Init.he(), random, DType.FLOAT64));
    assertContains(failure(mixed, 4), "'1.weight' is FLOAT64", "'0.weight' is FLOAT32",
        "one dtype");
    Module ints = new Module() {
      {
        registerBuffer("table", Tensor.indices(new int[] {1, 2}));
      }

      @Override
      public Tensor forward(Tensor x) {
        return x;
      }
    };
    assertContains(failure(ints, 4), "'table' is INT32", "FLOAT32 or FLOAT64");
  }

  @Test
  void aSampleShapeTheLayersCannotTakeIsRefused() {
    Sequential mlp = Mlp.builder().input(784).hidden(100).output(10).build();
    assertContains(failure(mlp, 100), "layer 0 (Linear(784 -> 100)) needs input [N, 784] but"
        + " gets [N, 100] from the sample shape [100]", "without the batch axis");
    assertContains(failure(mlp, 1, 28, 28), "gets [N, 1, 28, 28]");
    Sequential conv = new Sequential(new Conv2d(3, 4, 5, 1, 0, new Random(1)));
    assertContains(failure(conv, 3 * 8 * 8), "layer 0 (Conv2d", "[N, 3, height, width]");
    assertContains(failure(conv, 3, 4, 8), "smaller than its window [5, 5]");
    assertContains(failure(mlp, 784, 0), "positive sizes without the batch axis");
    assertContains(failure(new Sequential(new Unflatten(1, 28, 28)), 780), "needs input [N, 784]");
    // Unflatten takes rows only, as its forward does; [N, 28, 28] is refused, not reshaped
    assertContains(failure(new Sequential(new Unflatten(1, 28, 28)), 28, 28),
        "needs input [N, 784] but gets [N, 28, 28]");
  }
}
