package dev.jgrad.onnx;

import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code jgrad::sin} and {@code jgrad::cos} used as activations export as ONNX Sin
 * and Cos, which ONNX Runtime runs to the model's own outputs, small arguments and large.
 */
class OnnxSinCosTest {
  @TempDir
  Path dir;

  @Test
  void sinAndCosLayersExportAsSinAndCos() throws IOException, OrtException {
    Random random = new Random(3);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random),
        new OpActivation(OpNames.SIN).newModule(), new Linear(6, 3, Init.he(), random),
        new OpActivation(OpNames.COS).newModule());
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT32, 4));
  }

  @Test
  void sinExportsInFloat64() throws IOException, OrtException {
    // ONNX Runtime's CPU provider has Sin for double but Cos for float only: a FLOAT64 Cos file
    // is valid ONNX that it refuses to load, so only Sin is run here in FLOAT64
    Random random = new Random(4);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random, DType.FLOAT64),
        new OpActivation(OpNames.SIN).newModule(),
        new Linear(6, 3, Init.he(), random, DType.FLOAT64));
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT64, 4));
  }

  @Test
  void largeArgumentsAgreeWithOnnxRuntime() throws IOException, OrtException {
    Sequential net = new Sequential(new OpActivation(OpNames.SIN).newModule(),
        new OpActivation(OpNames.COS).newModule(), new OpActivation(OpNames.SIN).newModule());
    Tensor[] wide = batches(DType.FLOAT32, 50);
    for (int i = 0; i < wide.length; i++) {
      wide[i] = wide[i].sub(0.5).mul(2e4); // |x| up to 1e4
    }
    OnnxRuntimeCheck.assertMatches(net, new int[] {50}, dir, wide);
  }
}
