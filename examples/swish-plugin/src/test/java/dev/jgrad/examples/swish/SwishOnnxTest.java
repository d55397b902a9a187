package dev.jgrad.examples.swish;

import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.Sequential;
import dev.jgrad.onnx.OnnxExporter;
import dev.jgrad.onnx.OnnxRuntimeCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models using swish export with the plain {@link OnnxExporter#export}, through the lowering this
 * jar ships ({@link SwishOnnx}), and ONNX Runtime's outputs match jgrad's to 1e-5.
 */
class SwishOnnxTest {
  @TempDir
  Path dir;

  private static OpActivation swish(double beta) {
    return new OpActivation(SwishOps.SWISH, Attrs.of("beta", beta));
  }

  @Test
  void anMlpWithSwishRunsInOnnxRuntime() throws IOException, OrtException {
    // beta 1 (no attribute: SiLU, no Mul by beta), and beta 1.7, in both float dtypes
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (OpActivation activation : new OpActivation[] {
          new OpActivation(SwishOps.SWISH), swish(1.7)}) {
        Sequential mlp = Mlp.builder().input(20).hidden(16, 8).output(4).activation(activation)
            .seed(3).dtype(dtype).build();
        OnnxRuntimeCheck.assertMatches(mlp, new int[] {20}, dir, batches(dtype, 20));
      }
    }
  }

  @Test
  void swishAfterAConvolutionKeepsTheImageDims() throws IOException, OrtException {
    Random random = new Random(4);
    Sequential cnn = new Sequential(new Conv2d(2, 3, 3, 1, 1, random), swish(0.8).newModule(),
        new Flatten(), new Linear(3 * 5 * 5, 4, Init.he(), random));
    OnnxRuntimeCheck.assertMatches(cnn, new int[] {2, 5, 5}, dir, batches(DType.FLOAT32, 2, 5, 5));
  }

  /**
   * A custom module calling swish in its forward (not an OpActivation layer) exports with the
   * plain exporter: its jar's OnnxModuleLoweringProvider lowers it, reusing swish's lowering
   * (onnx.op), and ONNX Runtime agrees with jgrad in both float dtypes.
   */
  @Test
  void aCustomModuleCallingSwishExportsWithThePlainExporter() throws IOException, OrtException {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Random random = new Random(5);
      Sequential net = new Sequential(new Linear(12, 6, Init.he(), random, dtype),
          new SwishBlock(6, 10, 1.3, random, dtype), new Linear(6, 3, Init.xavier(), random, dtype));
      OnnxRuntimeCheck.assertMatches(net, new int[] {12}, dir, batches(dtype, 12));
    }
  }
}
