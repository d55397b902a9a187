package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.trainfuzz.PlainCpu;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nesterov SGD against PyTorch 2.13's {@code SGD(lr=0.1, momentum=0.9, weight_decay=0.01,
 * nesterov=True)} (CPU, float64), four steps of {@code loss = sum(w * w * c) + sum(w)}.
 */
class NesterovSgdTest {
  private static final double[] W0 = {0.5, -1.0, 2.0};
  private static final double[] C = {1, 2, 3};
  private static final double[][] TORCH = {
      {0.11904999999999999, -0.42810000000000004, -0.4738000000000001},
      {-0.2788201950000001, -0.04812061000000001, -1.17738778},
      {-0.6088857930295001, 0.07602264375900002, -0.822436096018},
      {-0.823849920173584, 0.012463191713117888, -0.3006888525932457}};

  private static void step(Sgd opt, Tensor w, Tensor c) {
    opt.zeroGrad();
    w.mul(w).mul(c).sum().add(w.sum()).backward();
    opt.step();
  }

  private static Tensor param(Backend backend, double[] values) {
    return Tensor.wrap(backend, backend.upload(values), Shape.of(values.length))
        .requiresGrad(true);
  }

  @Test
  void fourStepsMatchPyTorchOnEveryPath() {
    // the primitives, and the CPU backend whose fused SGD Nesterov must not take
    for (Backend backend : new Backend[] {PlainCpu.withoutFusion(), Backends.byName("cpu")}) {
      Tensor w = param(backend, W0);
      Tensor c = Tensor.of(C, DType.FLOAT64, 3).to(backend);
      Sgd opt = new Sgd(Map.of("w", w), 0.1, 0.9, 0.01, true);
      for (double[] want : TORCH) {
        step(opt, w, c);
        assertArrayEquals(want, w.toDoubleArray(), 1e-14, backend.name());
      }
    }
  }

  @Test
  void plainMomentumTakesOtherSteps() {
    Backend plain = PlainCpu.withoutFusion();
    Tensor w = param(plain, W0);
    Tensor c = Tensor.of(C, DType.FLOAT64, 3).to(plain);
    Sgd opt = new Sgd(Map.of("w", w), 0.1, 0.9, 0.01);
    step(opt, w, c);
    step(opt, w, c);
    assertTrue(Math.abs(w.toDoubleArray()[0] - TORCH[1][0]) > 1e-3, "the check can fail");
  }

  @Test
  void itsStateResumesAndAPlainSgdRefusesIt() {
    Backend backend = PlainCpu.withoutFusion();
    Tensor w = param(backend, W0);
    Tensor c = Tensor.of(C, DType.FLOAT64, 3).to(backend);
    Sgd first = new Sgd(Map.of("w", w), 0.1, 0.9, 0.01, true);
    step(first, w, c);
    step(first, w, c);
    assertEquals(Map.of("nesterov", "true"), first.state().values());
    Tensor resumedW = param(backend, w.toDoubleArray());
    Sgd resumed = new Sgd(Map.of("w", resumedW), 0.1, 0.9, 0.01, true);
    resumed.loadState(first.state());
    step(resumed, resumedW, c);
    step(resumed, resumedW, c);
    assertArrayEquals(TORCH[3], resumedW.toDoubleArray(), 1e-14);

    Sgd plain = new Sgd(Map.of("w", resumedW), 0.1, 0.9, 0.01);
    assertEquals(Map.of(), plain.state().values(), "a plain SGD's state as before");
    String m = assertThrows(IllegalArgumentException.class, () -> plain.loadState(first.state()))
        .getMessage();
    assertTrue(m.contains("Nesterov"), m);
    String back = assertThrows(IllegalArgumentException.class,
        () -> resumed.loadState(plain.state())).getMessage();
    assertTrue(back.contains("not of Nesterov momentum"), back);
    assertEquals("sgd(lr=0.1, momentum=0.9, weightDecay=0.01, nesterov)", resumed.toString());
  }

  @Test
  void nesterovNeedsAMomentum() {
    Map<String, Tensor> p = Map.of("w", Tensor.zeros(2).requiresGrad(true));
    assertEquals("Nesterov momentum needs a momentum in (0, 1), got 0.0; pass e.g. 0.9, or "
        + "nesterov false", assertThrows(IllegalArgumentException.class,
            () -> new Sgd(p, 0.1, 0, 0, true)).getMessage());
  }
}
