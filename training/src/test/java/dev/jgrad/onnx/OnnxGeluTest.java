package dev.jgrad.onnx;

import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.GeluApproximation;
import dev.jgrad.nn.GELU;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.OpActivation;
import dev.jgrad.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GELU layers (both forms) export as their composite of Mul, Add and Erf or Tanh (ONNX's Gelu
 * needs opset 20), and {@code jgrad::erf} as an activation as Erf; ONNX Runtime runs them to the
 * model's own outputs within the exporter's tolerance (in FLOAT64 the tanh form only: ONNX
 * Runtime's CPU provider has no Erf of doubles).
 */
class OnnxGeluTest {
  @TempDir
  Path dir;

  @Test
  void geluLayersAndErfExportInFloat32() throws IOException, OrtException {
    Random random = new Random(5);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random), new GELU(),
        new Linear(6, 5, Init.he(), random), new GELU(GeluApproximation.TANH),
        new Linear(5, 3, Init.he(), random), new OpActivation(OpNames.ERF).newModule());
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT32, 4));
  }

  @Test
  void tanhFormExportsInFloat64() throws IOException, OrtException {
    Random random = new Random(6);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random, DType.FLOAT64),
        new GELU(GeluApproximation.TANH), new Linear(6, 3, Init.he(), random, DType.FLOAT64));
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT64, 4));
  }

  @Test
  void exactFormInFloat64IsValidOnnxThatOnnxRuntimesCpuCannotRun() throws IOException {
    // ONNX allows Erf of doubles; ONNX Runtime's CPU provider implements it for floats only,
    // as docs/pytorch.md says. The file keeps double precision rather than casting through float.
    Random random = new Random(7);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random, DType.FLOAT64),
        new GELU());
    Path file = dir.resolve("gelu64.onnx");
    OnnxExporter.export(net, new int[] {4}, file);
    OrtException e = assertThrows(OrtException.class,
        () -> OnnxRuntimeCheck.assertFileMatches(file, net, batches(DType.FLOAT64, 4)));
    assertTrue(e.getMessage().contains("Erf"), e.getMessage());
  }
}
