package dev.jgrad.onnx;

import static dev.jgrad.onnx.OnnxRuntimeCheck.batches;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpNames;
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
 * The built-in {@code jgrad::log1p} and {@code jgrad::expm1} used as activations export as
 * Log(Add(x, 1)) and Sub(Exp(x), 1) (ONNX has neither op), which ONNX Runtime runs to the model's
 * own outputs within the exporter's tolerance.
 */
class OnnxLog1pExpm1Test {
  @TempDir
  Path dir;

  @Test
  void log1pAndExpm1LayersExportAsComposites() throws IOException, OrtException {
    Random random = new Random(5);
    // expm1 first: its output is above -1, where log1p is defined
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random),
        new OpActivation(OpNames.EXPM1).newModule(), new OpActivation(OpNames.LOG1P).newModule(),
        new Linear(6, 3, Init.he(), random), new OpActivation(OpNames.EXPM1).newModule());
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT32, 4));
  }

  @Test
  void exportInFloat64() throws IOException, OrtException {
    Random random = new Random(6);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random, DType.FLOAT64),
        new OpActivation(OpNames.EXPM1).newModule(), new OpActivation(OpNames.LOG1P).newModule(),
        new Linear(6, 3, Init.he(), random, DType.FLOAT64));
    OnnxRuntimeCheck.assertMatches(net, new int[] {4}, dir, batches(DType.FLOAT64, 4));
  }
}
