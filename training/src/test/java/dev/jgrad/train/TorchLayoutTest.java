package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.TorchLayout;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A custom module's {@link TorchLayout}: the weights it declares are written transposed and read
 * back transposed by {@link TorchStateDict}; undeclared, a module's tensors are written as held.
 */
class TorchLayoutTest {
  @TempDir
  Path dir;

  /** {@code x W + b}, {@code W} {@code [in, out]}: PyTorch's {@code nn.Linear} by other code. */
  private static class Dense extends Module {
    final Tensor weight;
    final Tensor bias;

    Dense(int in, int out, Random random) {
      weight = registerParameter("weight", Tensor.randn(random, in, out));
      bias = registerParameter("bias", Tensor.randn(random, out));
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.matmul(weight).add(bias);
    }
  }

  /** The same layer, declaring its weight transposed in PyTorch. */
  private static final class TorchDense extends Dense implements TorchLayout {
    private final Set<String> declared;

    TorchDense(int in, int out, Random random, Set<String> declared) {
      super(in, out, random);
      this.declared = declared;
    }

    TorchDense(int in, int out, Random random) {
      this(in, out, random, Set.of("weight"));
    }

    @Override
    public Set<String> transposedInTorch() {
      return declared;
    }
  }

  /** PyTorch's {@code Sequential(Linear(4, 5), ReLU(), Linear(5, 3))}, the fixture's MLP. */
  private static Sequential mlp(long seed) {
    Random random = new Random(seed);
    return new Sequential(new TorchDense(4, 5, random), new ReLU(), new TorchDense(5, 3, random));
  }

  @Test
  void aDeclaredWeightIsWrittenTransposedAndRoundTrips() throws IOException {
    Sequential saved = mlp(1);
    Path file = dir.resolve("dense.safetensors");
    TorchStateDict.save(file, saved);

    SafeTensor written = SafeTensors.read(file).get("0.weight");
    assertEquals(Shape.of(5, 4), written.shape(), "[out, in], as PyTorch's Linear");
    float[] w = saved.namedParameters().get("0.weight").toFloatArray(); // [4, 5]
    float[] wt = written.floats();
    for (int in = 0; in < 4; in++) {
      for (int out = 0; out < 5; out++) {
        assertEquals(w[in * 5 + out], wt[out * 4 + in], "element [" + in + ", " + out + "]");
      }
    }

    Sequential loaded = mlp(2);
    Tensor x = Tensor.randn(new Random(3), 7, 4);
    assertFalse(java.util.Arrays.equals(saved.forward(x).toFloatArray(),
        loaded.forward(x).toFloatArray()), "seeds 1 and 2 differ");
    TorchStateDict.load(file, loaded);
    assertArrayEquals(w, loaded.namedParameters().get("0.weight").toFloatArray());
    assertArrayEquals(saved.forward(x).toFloatArray(), loaded.forward(x).toFloatArray());
  }

  /** What PyTorch's nn.Linear saved loads into the custom layers and predicts as PyTorch did. */
  @Test
  void whatPyTorchWroteLoadsIntoDeclaringLayersAndPredictsAsPyTorch() throws IOException {
    Sequential model = mlp(1);
    TorchStateDict.load(fixture("mlp.safetensors"), model);
    SafeTensorsFile expected = SafeTensors.read(fixture("expected.safetensors"));
    SafeTensor input = expected.get("mlp.input");
    float[] actual = model.forward(Tensor.of(input.floats(), input.shape().dims())).toFloatArray();
    float[] torch = expected.get("mlp.output").floats();
    assertEquals(torch.length, actual.length);
    for (int i = 0; i < torch.length; i++) {
      assertEquals(torch[i], actual[i], 1e-5 * Math.max(1, Math.abs(torch[i])), "output " + i);
    }
  }

  /** Without the declaration, as before: the tensor as the module holds it. */
  @Test
  void anUndeclaredWeightIsWrittenAsHeld() throws IOException {
    Random random = new Random(1);
    Sequential model = new Sequential(new Dense(4, 5, random));
    Path file = dir.resolve("plain.safetensors");
    TorchStateDict.save(file, model);
    SafeTensor written = SafeTensors.read(file).get("0.weight");
    assertEquals(Shape.of(4, 5), written.shape());
    assertArrayEquals(model.namedParameters().get("0.weight").toFloatArray(), written.floats());
    Sequential loaded = new Sequential(new Dense(4, 5, new Random(2)));
    TorchStateDict.load(file, loaded);
    assertArrayEquals(written.floats(), loaded.namedParameters().get("0.weight").toFloatArray());
  }

  /** A file whose weight is as jgrad holds it, not transposed: both layouts named. */
  @Test
  void anUntransposedWeightInTheFileIsRefusedNamingBothLayouts() throws IOException {
    Path file = dir.resolve("untransposed.safetensors");
    TorchStateDict.save(file, new Sequential(new Dense(4, 5, new Random(1))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.load(file, new Sequential(new TorchDense(4, 5, new Random(2)))));
    assertEquals(file + ": tensor '0.weight' has shape [4, 5] where [5, 4] is expected; TorchDense"
        + " declares it transposed in PyTorch (TorchLayout): [5, 4] there, [4, 5] here; build the"
        + " layer with the PyTorch model's sizes", e.getMessage());
  }

  @Test
  void aDeclaredTensorThatIsNotTwoDimensionalIsRefusedBeforeAnythingIsWritten()
      throws IOException {
    Sequential model = new Sequential(new TorchDense(4, 5, new Random(1), Set.of("bias")));
    Path file = dir.resolve("bias.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.save(file, model));
    String expected = "module '0' (TorchDense) declares 'bias' transposed in PyTorch (TorchLayout)"
        + " but it is [5], not 2-D; only a matrix has a transpose: leave it out of"
        + " transposedInTorch()";
    assertEquals(expected, e.getMessage());
    assertFalse(Files.exists(file), "nothing written");

    Sequential plain = new Sequential(new Dense(4, 5, new Random(1)));
    TorchStateDict.save(file, plain);
    float[] before = model.namedParameters().get("0.bias").toFloatArray();
    e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.load(file, model));
    assertEquals(expected, e.getMessage());
    assertArrayEquals(before, model.namedParameters().get("0.bias").toFloatArray(), "unchanged");
  }

  @Test
  void aDeclaredNameTheModuleLacksIsRefusedListingItsTensors() {
    Module model = new TorchDense(4, 5, new Random(1), Set.of("kernel"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.save(dir.resolve("x.safetensors"), model));
    assertEquals("the model (TorchDense) declares 'kernel' transposed in PyTorch (TorchLayout) but"
        + " has no parameter or buffer of its own by that name; it has [bias, weight]",
        e.getMessage());
    Module none = new TorchDense(4, 5, new Random(1), null);
    e = assertThrows(IllegalArgumentException.class,
        () -> TorchStateDict.save(dir.resolve("x.safetensors"), none));
    assertTrue(e.getMessage().startsWith("the model (TorchDense) returned null"), e.getMessage());
  }

  private static Path fixture(String name) {
    try {
      return Path.of(TorchLayoutTest.class.getResource("torch/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
