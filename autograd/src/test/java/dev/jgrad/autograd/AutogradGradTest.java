package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Autograd#grad}: PyTorch's {@code torch.autograd.grad}, its options and its higher
 * derivatives; the expected numbers are torch 2.13's in float64 for the same inputs (the script
 * that printed them: src/test/resources/pytorch/second_order.py).
 */
class AutogradGradTest {

  /** The inputs the script builds: ((i a + j b) mod m - m / 2) / 10, row-major. */
  private static Tensor grid(int rows, int cols, int a, int b, int m) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        v[i * cols + j] = (((i * a + j * b) % m) - m / 2) / 10.0;
      }
    }
    return Tensor.of(v, DType.FLOAT64, rows, cols);
  }

  private static Tensor vector(double... v) {
    return Tensor.of(v, DType.FLOAT64, v.length);
  }

  private static void assertClose(double[] expected, Tensor actual) {
    assertArrayEquals(expected, actual.toDoubleArray(), 1e-12);
  }

  @Test
  void derivativesOfACubeToTheThird() {
    Tensor x = vector(1, 2, -1.5).requiresGrad(true);
    Tensor dy = Autograd.grad(x.pow(3).sum(), List.of(x), GradOptions.defaults().createGraph())
        .get(0);
    assertClose(new double[] {3, 12, 6.75}, dy);
    assertTrue(dy.requiresGrad(), "a gradient recorded with createGraph is differentiable");
    Tensor d2y = Autograd.grad(dy.sum(), List.of(x), GradOptions.defaults().createGraph()).get(0);
    assertClose(new double[] {6, 12, -9}, d2y);
    assertClose(new double[] {6, 6, 6}, Autograd.grad(d2y.sum(), List.of(x)).get(0));
    assertNull(x.grad(), "grad() returns gradients; it does not add them to x.grad()");
  }

  @Test
  void hessianVectorProductOfATwoLayerNetMatchesPyTorch() {
    Tensor x = grid(3, 4, 7, 3, 11);
    Tensor w1 = grid(4, 5, 5, 2, 11).requiresGrad(true);
    Tensor b1 = vector(0.1, -0.2, 0.05, 0.3, -0.1).requiresGrad(true);
    Tensor w2 = grid(5, 3, 3, 4, 7).requiresGrad(true);
    Tensor loss = Losses.softmaxCrossEntropyLabels(x.matmul(w1).add(b1).tanh().matmul(w2),
        Tensor.indices(new int[] {2, 0, 1}));
    assertEquals(1.0822980763935408, loss.item(), 1e-14);
    List<Tensor> g = Autograd.grad(loss, List.of(w1, w2), GradOptions.defaults().createGraph());
    Tensor direction = g.get(0).mul(grid(4, 5, 2, 3, 5)).sum()
        .add(g.get(1).mul(grid(5, 3, 1, 2, 5)).sum());
    List<Tensor> hv = Autograd.grad(direction, List.of(w1, w2));
    assertClose(new double[] {0.04098881668600809, -0.014816595271873163, -0.008914923305391632,
        -0.013157020262570047, -0.011903725868233317, 0.04318385200363347, -0.009909254838135999,
        -0.005385384299413028, -0.014284175024940459, -0.01429860124074727, -0.02002379981507383,
        -0.018235526401576326, -0.024310238517149575, 0.0327568639477162, 0.032695364963156816,
        -0.028928927080190292, 0.041888455371827255, 0.04273153176073112, -0.02563216724136358,
        -0.026657796405447354}, hv.get(0));
    assertClose(new double[] {0.03409044234102667, -0.030337212962748446, -0.003753229378278232,
        0.016718541784395434, 0.02318965410158159, -0.03990819588597703, -0.019322491124071247,
        0.021126635936113036, -0.0018041448120417868, 0.0035384895093266986,
        -0.038014665923788195, 0.03447617641446149, -0.03399531885407331, 0.026339034338892287,
        0.007656284515181026}, hv.get(1));
  }

  @Test
  void aGradientPenaltyBackPropagatesIntoTheParametersAsInPyTorch() {
    Tensor x = grid(3, 4, 7, 3, 11).requiresGrad(true);
    Tensor w1 = grid(4, 5, 5, 2, 11).requiresGrad(true);
    Tensor b1 = vector(0.1, -0.2, 0.05, 0.3, -0.1).requiresGrad(true);
    Tensor critic = x.matmul(w1).add(b1).tanh().sum();
    Tensor gx = Autograd.grad(critic, List.of(x), GradOptions.defaults().createGraph()).get(0);
    Tensor penalty = gx.square().sum(1, false).sqrt().sub(1).pow(2).mean();
    assertEquals(0.14210478044818672, penalty.item(), 1e-14);
    penalty.backward();
    assertClose(new double[] {0.4454211719121209, 0.5442053488711767, 0.5315494583475354,
        0.4711812551618446, 0.4937080831136699, 0.14690524576653627, 0.17629071452182196,
        0.18273914859747808, 0.1772048768852353, 0.18221381804165332, -0.02397404009543487,
        -0.07187115377257447, -0.06608837034031508, -0.05745827655565014, -0.06849547584670478,
        -0.39636924030354487, -0.4291898157049186, -0.43052737183994083, -0.39697111884364145,
        -0.3976077809720616}, w1.grad());
    assertClose(new double[] {0.09391358699732302, -0.03793238871553313, 0.019116105015608453,
        0.06601831605711998, 0.09166369691124963}, b1.grad());
  }

  @Test
  void aComputedTensorCanBeTheInputAndOnlyThePathToItIsVisited() {
    Tensor w = vector(1, 2).requiresGrad(true);
    Tensor h = w.mul(3);
    Tensor y = h.exp().sum();
    Tensor dh = Autograd.grad(y, List.of(h), GradOptions.defaults().retainGraph()).get(0);
    assertClose(new double[] {Math.exp(3), Math.exp(6)}, dh);
    assertFalse(dh.requiresGrad(), "without createGraph the gradient is a plain tensor");
    assertNull(w.grad());
    y.backward(); // the graph was retained
    assertClose(new double[] {3 * Math.exp(3), 3 * Math.exp(6)}, w.grad());
  }

  @Test
  void withoutRetainGraphTheGraphIsFreed() {
    Tensor x = vector(1, 2).requiresGrad(true);
    Tensor y = x.exp().sum();
    Autograd.grad(y, List.of(x));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Autograd.grad(y, List.of(x)));
    assertTrue(e.getMessage().startsWith("backward through the graph a second time"),
        e.getMessage());
  }

  @Test
  void aGradOutputStartsANonScalarOutput() {
    Tensor x = vector(1, 2, 3).requiresGrad(true);
    Tensor y = x.mul(x);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Autograd.grad(y, List.of(x), GradOptions.defaults().retainGraph()));
    assertTrue(e.getMessage().contains("pass GradOptions.gradOutput(gradient) of that shape"),
        e.getMessage());
    Tensor g = Autograd.grad(y, List.of(x),
        GradOptions.defaults().gradOutput(vector(1, 0.5, -1))).get(0);
    assertClose(new double[] {2, 2, -6}, g);
  }

  @Test
  void anUnusedInputFailsNamingItUnlessAllowed() {
    Tensor x = vector(1, 2).requiresGrad(true);
    Tensor z = vector(5).requiresGrad(true).named("z");
    Tensor y = x.sum();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Autograd.grad(y, List.of(x, z), GradOptions.defaults().retainGraph()));
    assertEquals("Autograd.grad: input 1 ('z' FLOAT64[1]) is not used to compute the output "
        + "FLOAT64[]; pass GradOptions.allowUnused() to get null for it", e.getMessage());
    List<Tensor> g = Autograd.grad(y, List.of(x, z), GradOptions.defaults().allowUnused());
    assertClose(new double[] {1, 1}, g.get(0));
    assertNull(g.get(1));
  }

  @Test
  void anInputThatDoesNotRequireGradIsRefused() {
    Tensor x = vector(1, 2).requiresGrad(true);
    Tensor c = vector(3, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Autograd.grad(x.mul(c).sum(), List.of(x, c)));
    assertTrue(e.getMessage().startsWith("Autograd.grad: input 1 (a leaf FLOAT64[2]) does not "
        + "require grad"), e.getMessage());
  }

  @Test
  void createGraphRecordsInsideANoGradScopeAndEnableGradRestoresTheMode() {
    Tensor x = vector(0.5, -1).requiresGrad(true);
    Tensor y = x.sin().sum();
    try (NoGrad outer = NoGrad.scope()) {
      Tensor dy = Autograd.grad(y, List.of(x), GradOptions.defaults().createGraph()).get(0);
      assertTrue(dy.requiresGrad(), "createGraph records whatever the surrounding mode");
      assertFalse(GradMode.isEnabled(), "and leaves the NoGrad scope as it found it");
      try (EnableGrad inner = EnableGrad.scope()) {
        assertTrue(GradMode.isEnabled());
        Tensor d2y = Autograd.grad(dy.sum(), List.of(x)).get(0);
        assertClose(new double[] {-Math.sin(0.5), -Math.sin(-1)}, d2y);
      }
      assertFalse(GradMode.isEnabled());
    }
    assertTrue(GradMode.isEnabled());
  }
}
