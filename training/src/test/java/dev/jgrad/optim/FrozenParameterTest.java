package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A frozen parameter ({@code requiresGrad(false)}) is accepted by every optimizer and left alone
 * while frozen, weight decay included (PyTorch steps only parameters with a gradient); unfrozen,
 * it trains. Every optimizer used to refuse it, saying it must be registered in a Module.
 */
class FrozenParameterTest {
  private static final double[] A0 = {1, -2, 3};
  private static final double[] B0 = {0.5, 4};

  @Test
  void everyOptimizerSkipsAFrozenParameterAndTrainsItOnceUnfrozen() {
    for (OptimizerKind kind : OptimizerKind.values()) {
      Tensor a = Tensor.of(A0.clone()).requiresGrad(true);
      Tensor b = Tensor.of(B0.clone()).requiresGrad(true);
      Map<String, Tensor> params = new LinkedHashMap<>();
      params.put("a", a);
      params.put("b", b);
      // a gradient of a from before it was frozen stays, and must not move it either
      loss(a, b).backward();
      a.requiresGrad(false);
      Optimizer opt = kind.create(params, 0.1, 0.1); // decay: a frozen weight must not shrink
      opt.step();
      opt.zeroGrad();
      loss(a, b).backward();
      opt.step();
      assertArrayEquals(A0, a.toDoubleArray(), kind + ": the frozen parameter moved");
      assertFalse(Arrays.equals(B0, b.toDoubleArray()), kind + ": the other did not train");

      a.requiresGrad(true);
      opt.zeroGrad();
      loss(a, b).backward();
      opt.step();
      assertFalse(Arrays.equals(A0, a.toDoubleArray()), kind + ": unfrozen, it did not train");
    }
  }

  /** Plain SGD, unfrozen: exactly one step from where it was frozen. */
  @Test
  void anUnfrozenParameterTakesItsFirstStepFromWhereItWasFrozen() {
    Tensor a = Tensor.of(A0.clone());
    Tensor b = Tensor.of(B0.clone()).requiresGrad(true);
    Sgd sgd = new Sgd(Map.of("a", a, "b", b), 0.5);
    loss(a, b).backward();
    sgd.step();
    assertArrayEquals(A0, a.toDoubleArray());
    a.requiresGrad(true);
    sgd.zeroGrad();
    loss(a, b).backward();
    sgd.step();
    assertArrayEquals(new double[] {1 - 0.5 * 1, -2 - 0.5 * 2, 3 - 0.5 * 3}, a.toDoubleArray());
  }

  @Test
  void aTensorComputedByAnOpIsStillRefusedSayingSo() {
    Tensor computed = Tensor.of(A0.clone()).requiresGrad(true).mul(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(Map.of("c", computed), 0.1));
    assertEquals("parameter 'c' was computed by an op; optimize leaf tensors (register them in a"
        + " Module)", e.getMessage());
  }

  /** sum(a * [1, 2, 3]) + sum(b * b). */
  private static Tensor loss(Tensor a, Tensor b) {
    return a.mul(Tensor.of(new double[] {1, 2, 3})).sum().add(b.mul(b).sum());
  }
}
