package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Weight decay of every optimizer, AdamW against PyTorch's documented algorithm, and the learning
 * rate changed between steps. The parameter is w = [1, -2, 3] and the loss sum(w * c), so the
 * gradient is c = [0.5, -1, 2].
 */
class WeightDecayTest {
  private static final double[] W0 = {1, -2, 3};
  private static final Tensor C = Tensor.of(new double[] {0.5, -1, 2});

  private Tensor w;

  private Map<String, Tensor> params() {
    w = Tensor.of(W0.clone()).requiresGrad(true);
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("w", w);
    return p;
  }

  /** One step on {@code sum(w * c) + 0.5 * penalty * sum(w^2)}. */
  private double[] step(Optimizer opt, double penalty) {
    opt.zeroGrad();
    Tensor loss = w.mul(C).sum();
    if (penalty != 0) {
      loss = loss.add(w.mul(w).sum().mul(0.5 * penalty));
    }
    loss.backward();
    opt.step();
    return w.toDoubleArray();
  }

  @Test
  void l2DecayIsTheGradientOfTheBooksPenaltyForEveryOptimizerButAdamW() {
    double lambda = 0.1;
    for (OptimizerKind kind : OptimizerKind.values()) {
      if (kind == OptimizerKind.ADAMW) {
        continue; // decoupled: tested below
      }
      Optimizer decayed = kind.create(params(), 0.05, lambda);
      Tensor wDecayed = w;
      Optimizer penalized = kind.create(params(), 0.05, 0);
      Tensor wPenalized = w;
      double[] plain = null;
      for (int i = 0; i < 3; i++) {
        w = wDecayed;
        double[] a = step(decayed, 0);
        w = wPenalized;
        double[] b = step(penalized, lambda);
        assertArrayEquals(b, a, 1e-12, kind + " step " + (i + 1));
      }
      // the penalty changes the path (adaptive optimizers need not end nearer 0: AdamW's reason)
      Optimizer undecayed = kind.create(params(), 0.05, 0);
      for (int i = 0; i < 3; i++) {
        plain = step(undecayed, 0);
      }
      double[] a = wDecayed.toDoubleArray();
      double change = 0;
      for (int i = 0; i < 3; i++) {
        change = Math.max(change, Math.abs(a[i] - plain[i]));
      }
      // Adadelta's first steps are about sqrt(eps) / sqrt(v) g, nearly the same for g and
      // g + lambda W: the paths part by about 4e-9 in 3 steps (in FLOAT64, far above rounding)
      assertTrue(change > (kind == OptimizerKind.ADADELTA ? 1e-9 : 1e-6), kind + ": " + change);
      assertTrue(decayed.toString().contains("weightDecay=0.1"), decayed.toString());
    }
  }

  @Test
  void adamWFollowsPyTorchsAlgorithm() {
    AdamW opt = new AdamW(params(), 0.1, 0.1); // betas 0.9, 0.999, eps 1e-8
    // from the algorithm of torch.optim.AdamW's documentation, in double precision:
    // W *= 1 - lr lambda; m, v; W -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    assertArrayEquals(new double[] {0.890000002, -1.880000001, 2.8700000004999997},
        step(opt, 0), 1e-14);
    assertArrayEquals(new double[] {0.7811000039800006, -1.7612000019900007, 2.7413000009950004},
        step(opt, 0), 1e-14);
    assertArrayEquals(new double[] {0.6732890059402005, -1.6435880029701007, 2.6138870014850504},
        step(opt, 0), 1e-14);
    assertEquals(3, opt.steps());
    assertEquals(Map.of("t", "3", "t.w", "3"), opt.state().values());
  }

  @Test
  void adamWWithoutDecayIsAdamWithPyTorchsEpsilon() {
    AdamW opt = new AdamW(params(), 0.1, 0);
    // t = 1: m / (1 - b1) = g and sqrt(v / (1 - b2)) = |g|, so the step is lr g / (|g| + eps)
    assertArrayEquals(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 / (1 + 1e-8),
        3 - 0.1 * 2 / (2 + 1e-8)}, step(opt, 0), 1e-15);
  }

  @Test
  void theLearningRateChangesBetweenSteps() {
    Optimizer sgd = new Sgd(params(), 0.1);
    assertArrayEquals(new double[] {0.95, -1.9, 2.8}, step(sgd, 0), 1e-12);
    sgd.setLearningRate(0.01);
    assertEquals(0.01, sgd.learningRate());
    assertArrayEquals(new double[] {0.945, -1.89, 2.78}, step(sgd, 0), 1e-12);
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> sgd.setLearningRate(bad));
      assertEquals("learning rate must be positive and finite, got " + bad, e.getMessage());
    }
    assertEquals(0.01, sgd.learningRate());

    AdamW adamW = new AdamW(params(), 0.1, 0.5);
    adamW.setLearningRate(0.2);
    // the decoupled decay uses the new rate too: W *= 1 - 0.2 * 0.5, then a step of 0.2 sign(g)
    assertArrayEquals(new double[] {0.9 - 0.2, -1.8 + 0.2, 2.7 - 0.2}, step(adamW, 0), 1e-7);
  }

  @Test
  void badDecaysAreRejected() {
    for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Momentum(params(), 0.1, 0.9, bad));
      assertEquals("weight decay must be >= 0 and finite, got " + bad, e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new AdamW(params(), 0.1, bad));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new AdamW(params(), 0.1, 0.9, 0.999, 0, 0.01));
    assertEquals(OptimizerKind.ADAMW, OptimizerKind.parse("AdamW"));
    assertTrue(OptimizerKind.ADAMW.create(params(), 0.001) instanceof AdamW);
    assertTrue(OptimizerKind.ADAMW.create(params(), 0.001).toString().contains("weightDecay=0.01"));
  }

  @Test
  void savedStateWithDecayContinuesExactly() {
    for (OptimizerKind kind : OptimizerKind.values()) {
      Optimizer a = kind.create(params(), 0.05, 0.1);
      Tensor wa = w;
      step(a, 0);
      step(a, 0);
      Optimizer b = kind.create(params(), 0.05, 0.1);
      w.assign(wa);
      b.loadState(a.state());
      double[] continued = step(b, 0);
      w = wa;
      assertArrayEquals(step(a, 0), continued, 1e-15, kind.toString());
    }
  }
}
