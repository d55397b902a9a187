package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.train.Model;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchNormOptions} (eps, momentum, affine, trackRunningStats) and {@link BatchNorm1d} on
 * {@code [N, C, L]} against torch 2.13's float64 outputs, running statistics and state_dict keys
 * (the script that printed them: src/test/resources/pytorch/batchnorm_options.py): two training
 * steps, then evaluation.
 */
class BatchNormOptionsTest {
  private static final Map<String, List<String>> TORCH = read();

  private static Map<String, List<String>> read() {
    Map<String, List<String>> t = new HashMap<>();
    try (InputStream in = BatchNormOptionsTest.class.getResourceAsStream(
        "/pytorch/batchnorm_options.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int open = line.indexOf('[');
        List<String> items = new ArrayList<>();
        for (String s : line.substring(open + 1, line.lastIndexOf(']')).split(",")) {
          items.add(s.trim().replace("\"", "").replace("'", ""));
        }
        t.put(line.substring(0, open).trim(), items);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return t;
  }

  private static double[] numbers(String name) {
    return TORCH.get(name).stream().mapToDouble(Double::parseDouble).toArray();
  }

  /** The script's grid: ((i a) mod 13 - 6) / 3, row-major. */
  private static Tensor grid(int a, int... shape) {
    int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (((i * a) % 13) - 13 / 2) / 3.0;
    }
    return Tensor.of(v, DType.FLOAT64, shape);
  }

  /** Two training steps, evaluation, the keys and running statistics, as the script's run(). */
  private static void assertTorch(String name, BatchNorm bn, int... shape) {
    try (NoGrad ng = NoGrad.scope()) {
      bn.train();
      for (int step = 0; step < 2; step++) {
        assertArrayEquals(numbers(name + "_train" + step),
            bn.forward(grid(5 + step, shape)).toDoubleArray(), 1e-12, name + " step " + step);
      }
      bn.eval();
      assertArrayEquals(numbers(name + "_eval"), bn.forward(grid(7, shape)).toDoubleArray(),
          1e-12, name + " eval");
    }
    List<String> keys = new ArrayList<>(bn.namedState().keySet());
    assertEquals(TORCH.get(name + "_keys"), keys.isEmpty() ? List.of("-") : keys, name);
    if (bn.runningMean() != null) {
      assertArrayEquals(numbers(name + "_running_mean"), bn.runningMean().toDoubleArray(), 1e-12);
      assertArrayEquals(numbers(name + "_running_var"), bn.runningVar().toDoubleArray(), 1e-12);
    }
  }

  @Test
  void epsAndMomentumAreTorchs() {
    BatchNorm2d bn = new BatchNorm2d(3, BatchNormOptions.defaults().eps(1e-3).momentum(0.01),
        DType.FLOAT64);
    bn.weight().assign(Tensor.of(new double[] {0.5, -1.0, 2.0}, DType.FLOAT64, 3));
    bn.bias().assign(Tensor.of(new double[] {0.1, 0.2, -0.3}, DType.FLOAT64, 3));
    assertTorch("bn2d_eps", bn, 2, 3, 2, 2);
    assertEquals("BatchNorm2d(3, eps=0.001, momentum=0.01)", bn.toString());
  }

  @Test
  void batchNorm1dNormalisesSequencesPerChannel() {
    assertTorch("bn1d_ncl", new BatchNorm1d(3, DType.FLOAT64), 2, 3, 4);
  }

  @Test
  void withoutAffineOrRunningStatisticsItHasTorchsStateAndUsesTheBatchInEvaluation() {
    BatchNorm2d plain = new BatchNorm2d(3, BatchNormOptions.defaults().affine(false)
        .trackRunningStats(false), DType.FLOAT64);
    assertTorch("bn2d_plain", plain, 2, 3, 2, 2);
    assertNull(plain.weight());
    BatchNorm1d noAffine = new BatchNorm1d(3, BatchNormOptions.defaults().affine(false)
        .momentum(0.3), DType.FLOAT64);
    assertTorch("bn1d_noaffine", noAffine, 4, 3);
    assertTrue(noAffine.namedParameters().isEmpty());
    String one = assertThrows(IllegalArgumentException.class, () -> plain.eval()
        .forward(grid(5, 1, 3, 1, 1))).getMessage();
    assertTrue(one.contains("evaluation mode without running statistics"), one);
  }

  @Test
  void gradientsThroughTheOptionsAgreeWithCentralDifferences() {
    BatchNorm1d bn = new BatchNorm1d(3, BatchNormOptions.defaults().eps(1e-2).affine(false)
        .trackRunningStats(false), DType.FLOAT64);
    GradCheck.Result r = GradCheck.gradCheck(in -> bn.forward(in.get(0)),
        List.of(grid(5, 2, 3, 4)));
    assertTrue(r.passed(), r.toString());
  }

  @Test
  void theOptionsSurviveModelSaveAndLoadAndDefaultsAreDescribedAsBefore(@TempDir Path dir)
      throws IOException {
    Sequential m = new Sequential(new BatchNorm2d(3, BatchNormOptions.defaults().eps(1e-3)
        .momentum(0.01).affine(false)), new BatchNorm1d(2));
    Path file = dir.resolve("m.safetensors");
    Model.save(file, m);
    Sequential back = (Sequential) Model.load(file);
    assertEquals(m.toString(), back.toString());
    BatchNorm2d first = (BatchNorm2d) back.namedModules().get("0");
    assertEquals(1e-3, first.options().epsValue());
    assertNull(first.weight());
    String json = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    // the metadata holds the description as an escaped JSON string
    assertTrue(json.contains("\\\"eps\\\":0.001") && !json.contains("trackRunningStats")
        && json.contains("{\\\"type\\\":\\\"BatchNorm1d\\\",\\\"features\\\":2}"),
        json);
  }

  @Test
  void badOptionsAreOneLineNamingThem() {
    assertEquals("eps is 0.0; it must be positive and finite (PyTorch's default 1e-5)",
        assertThrows(IllegalArgumentException.class,
            () -> BatchNormOptions.defaults().eps(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BatchNormOptions.defaults().momentum(2));
    assertThrows(NullPointerException.class, () -> new BatchNorm1d(3, (BatchNormOptions) null));
  }
}
