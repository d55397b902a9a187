package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.GeluApproximation;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.train.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link GELU} layer: {@code Tensor.gelu} of its form (whose values ErfGeluTest checks against
 * PyTorch's), in a Sequential and its summary, and through Model save and load by type.
 */
class GeluLayerTest {
  @Test
  void computesTheTensorsGeluOfItsForm() {
    Tensor x = Tensor.of(new double[] {-3, -0.5, 0, 0.25, 2}, DType.FLOAT64, 5);
    assertArrayEquals(x.gelu().toDoubleArray(), new GELU().forward(x).toDoubleArray());
    double[] tanh = new GELU(GeluApproximation.TANH).forward(x).toDoubleArray();
    assertArrayEquals(x.gelu(GeluApproximation.TANH).toDoubleArray(), tanh);
    assertNotEquals(x.gelu().toDoubleArray()[0], tanh[0]);
    assertEquals("GELU", new GELU().toString());
    assertEquals("GELU(approximate=tanh)", new GELU(GeluApproximation.TANH).toString());
  }

  @Test
  void nullApproximationIsOneLineNamingTheChoices() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> new GELU(null));
    assertEquals("GELU: the approximation is null; pass GeluApproximation.NONE (exact) or TANH",
        e.getMessage());
  }

  @Test
  void inASequentialAndItsSummary() {
    Random random = new Random(4);
    Sequential net = new Sequential(new Linear(4, 6, Init.he(), random), new GELU(),
        new Linear(6, 2, Init.he(), random), new GELU(GeluApproximation.TANH));
    Tensor x = Tensor.randn(new Random(1), 3, 4);
    Tensor y = net.forward(x);
    assertEquals(Shape.of(3, 2), y.shape());
    ModelSummary s = ModelSummary.of(net, 4);
    assertEquals("GELU", s.rows().get(1).layer());
    assertEquals(Shape.of(1, 6), s.rows().get(1).output());
    assertEquals(0, s.rows().get(1).parameters());
    assertEquals("GELU(approximate=tanh)", s.rows().get(3).layer());
  }

  @Test
  void bothFormsSurviveModelSaveAndLoad(@TempDir Path dir) throws IOException {
    Random random = new Random(2);
    Sequential m = new Sequential(new Linear(3, 5, Init.he(), random), new GELU(),
        new Linear(5, 2, Init.he(), random), new GELU(GeluApproximation.TANH));
    Path file = dir.resolve("m.safetensors");
    Model.save(file, m);
    Sequential back = (Sequential) Model.load(file);
    assertEquals(m.toString(), back.toString());
    assertEquals(GeluApproximation.NONE, ((GELU) back.layers().get(1)).approximation());
    assertEquals(GeluApproximation.TANH, ((GELU) back.layers().get(3)).approximation());
    Tensor x = Tensor.randn(new Random(3), 4, 3);
    assertArrayEquals(m.forward(x).toDoubleArray(), back.forward(x).toDoubleArray());
    String json = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(json.contains("{\\\"type\\\":\\\"GELU\\\",\\\"approximate\\\":\\\"tanh\\\"}"),
        json);
  }

  @Test
  void anUnknownFormInADescriptionIsOneLineNamingIt() {
    ModuleSpec spec = ModuleSpec.fromJson(Map.of("type", "GELU", "approximate", "erf"), "model");
    ModelDescriptionException e = assertThrows(ModelDescriptionException.class,
        () -> ModuleTypes.builtIns().build(spec, DType.FLOAT32));
    assertTrue(e.getMessage().contains("field 'approximate' is 'erf'; it must be 'none' (exact)"
        + " or 'tanh'"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }
}
