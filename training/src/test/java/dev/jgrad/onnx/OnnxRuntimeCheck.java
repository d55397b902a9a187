package dev.jgrad.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Module;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Exports a model with {@link OnnxExporter}, runs the file in ONNX Runtime's Java API and checks
 * its output against the model's own forward pass in evaluation mode (shared with the examples'
 * tests through this module's test jar).
 */
public final class OnnxRuntimeCheck {
  /** The agreement asked of every exported model, absolute. */
  public static final double TOLERANCE = 1e-5;

  private OnnxRuntimeCheck() {}

  /**
   * Exports {@code model} (for samples of {@code sampleShape}) to {@code dir}, then checks the
   * file as {@link #assertFileMatches} does.
   */
  public static void assertMatches(Module model, int[] sampleShape, Path dir, Tensor... batches)
      throws IOException, OrtException {
    assertMatches(OnnxExporter.builder(), model, sampleShape, dir, batches);
  }

  /** {@link #assertMatches(Module, int[], Path, Tensor...)} with {@code exporter}'s lowerings. */
  public static void assertMatches(OnnxExporter.Builder exporter, Module model, int[] sampleShape,
      Path dir, Tensor... batches) throws IOException, OrtException {
    Path file = dir.resolve("model.onnx");
    exporter.export(model, sampleShape, file);
    assertFileMatches(file, model, batches);
  }

  /** A batch of 1 and one of 3 of {@code sampleShape}, uniform in [0, 1) like pixel intensities. */
  public static Tensor[] batches(DType dtype, int... sampleShape) {
    Random random = new Random(7);
    Tensor[] out = new Tensor[2];
    int[] batch = {1, 3};
    for (int i = 0; i < 2; i++) {
      int[] shape = new int[sampleShape.length + 1];
      shape[0] = batch[i];
      System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
      out[i] = Tensor.uniform(random, 0, 1, dtype, shape);
    }
    return out;
  }

  /**
   * For each batch, asserts that ONNX Runtime's output of the ONNX {@code file} has the shape and
   * values (within {@link #TOLERANCE}) of {@code model}'s forward pass in evaluation mode, and
   * that the file's batch axis is symbolic. Leaves {@code model} in evaluation mode.
   */
  public static void assertFileMatches(Path file, Module model, Tensor... batches)
      throws OrtException {
    model.eval();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      assertSymbolicBatch(session.getInputInfo().get(OnnxExporter.INPUT));
      assertSymbolicBatch(session.getOutputInfo().get(OnnxExporter.OUTPUT));
      for (Tensor x : batches) {
        Tensor expected;
        try (NoGrad ignored = NoGrad.scope()) {
          expected = model.forward(x);
        }
        long[] shape = Arrays.stream(x.shape().dims()).asLongStream().toArray();
        boolean doubles = x.dtype() == DType.FLOAT64;
        try (OnnxTensor input = doubles
                ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(x.toDoubleArray()), shape)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), shape);
            OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
          OnnxTensor output = (OnnxTensor) result.get(OnnxExporter.OUTPUT).orElseThrow();
          assertArrayEquals(Arrays.stream(expected.shape().dims()).asLongStream().toArray(),
              output.getInfo().getShape(), "output shape");
          double[] actual = doubles ? toArray(output.getDoubleBuffer())
              : toArray(output.getFloatBuffer());
          double[] want = expected.toDoubleArray();
          for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], actual[i], TOLERANCE, "output element " + i + " of "
                + Arrays.toString(shape) + " batch");
          }
        }
      }
    }
  }

  private static void assertSymbolicBatch(NodeInfo info) {
    TensorInfo tensor = (TensorInfo) info.getInfo();
    assertEquals(-1, tensor.getShape()[0], "the batch axis is not fixed");
    assertEquals(OnnxExporter.BATCH_DIM, tensor.getDimensionNames()[0]);
    assertTrue(Arrays.stream(tensor.getShape()).skip(1).allMatch(d -> d > 0), "sample dims fixed");
  }

  private static double[] toArray(FloatBuffer b) {
    double[] out = new double[b.remaining()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  private static double[] toArray(DoubleBuffer b) {
    double[] out = new double[b.remaining()];
    b.get(out);
    return out;
  }
}
