package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.onnx.OnnxRuntimeCheck;
import dev.jgrad.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The book's networks (Sequentials of built-in layers) export to ONNX Runtime. */
class ConvNetOnnxTest {
  private static final int PIXELS = 28 * 28;

  @TempDir
  Path dir;

  private static Tensor rows(long seed, int batch) {
    return Tensor.uniform(new Random(seed), 0, 1, DType.FLOAT32, batch, PIXELS);
  }

  @Test
  void simpleConvNetRunsInOnnxRuntime() throws IOException, OrtException {
    OnnxRuntimeCheck.assertMatches(SimpleConvNet.create(28, 28, 100, 10, 42), new int[] {PIXELS},
        dir, rows(1, 1), rows(2, 3));
  }

  @Test
  void theCommandLineExportsTheTrainedModel() throws IOException, OrtException {
    Path out = dir.resolve("out");
    Path onnx = dir.resolve("models/mlp.onnx");
    MnistMainTest.Run run = MnistMainTest.run("--epochs", "1", "--limit", "300", "--hidden", "20",
        "--out", out.toString(), "--export-onnx", onnx.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("ONNX model in " + onnx.toAbsolutePath()), run.out());
    // the file is the trained model: the checkpoint's weights, run in ONNX Runtime
    Sequential mlp = Mlp.builder().input(PIXELS).hidden(20).output(10).build();
    Checkpoint.load(out.resolve(MnistTraining.CHECKPOINT_FILE)).restoreModel(mlp);
    OnnxRuntimeCheck.assertFileMatches(onnx, mlp, rows(3, 3));

    MnistMainTest.Run directory = MnistMainTest.run("--export-onnx", dir.toString());
    assertEquals(2, directory.status());
    assertTrue(directory.err().contains("--export-onnx: " + dir + " is a directory"),
        directory.err());
  }

  @Test
  void deepConvNetRunsInOnnxRuntimeWithDropoutAsIdentity() throws IOException, OrtException {
    Sequential net = DeepConvNet.create(28, 28, 50, 10, 42); // exported in training mode
    OnnxRuntimeCheck.assertMatches(net, new int[] {PIXELS}, dir, rows(1, 1), rows(2, 3));
  }
}
