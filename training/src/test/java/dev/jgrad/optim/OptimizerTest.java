package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * One or two steps of each optimizer against numbers worked out by hand from the book's formulas.
 * The parameter is w = [1, -2, 3] and the loss sum(w * c), so the gradient is c = [0.5, -1, 2].
 */
class OptimizerTest {
  private static final double[] W0 = {1, -2, 3};
  private static final double[] G = {0.5, -1, 2};
  private static final double EPS = 1e-7;

  private Tensor w;

  private Map<String, Tensor> params() {
    w = Tensor.of(W0.clone()).requiresGrad(true);
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("w", w);
    return p;
  }

  private double[] step(Optimizer opt) {
    opt.zeroGrad();
    w.mul(Tensor.of(G)).sum().backward();
    opt.step();
    return w.toDoubleArray();
  }

  @Test
  void aStepCountsAsAnInPlaceChangeOfEachParameter() {
    Optimizer opt = new Sgd(params(), 0.1, 0.9, 1e-4);
    Tensor loss = w.mul(w).sum(); // mul's rule reads w
    loss.backward(true);
    opt.step();
    assertEquals(1, w.version());
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("changed in place"), e.getMessage());
    step(opt); // the next step records a new graph from the updated values
    assertEquals(2, w.version());
  }

  @Test
  void aNonContiguousViewIsRejectedAsAParameter() {
    Tensor base = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor view = base.transpose().requiresGrad(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(Map.of("wT", view), 0.1));
    assertTrue(e.getMessage().contains("parameter 'wT'")
        && e.getMessage().contains("non-contiguous view"), e.getMessage());
  }

  @Test
  void sgdSubtractsLearningRateTimesGradient() {
    Optimizer opt = new Sgd(params(), 0.1);
    assertArrayEquals(new double[] {0.95, -1.9, 2.8}, step(opt), 1e-12);
    assertArrayEquals(new double[] {0.9, -1.8, 2.6}, step(opt), 1e-12);
  }

  @Test
  void sgdWithWeightDecayAndMomentum() {
    Optimizer opt = new Sgd(params(), 0.1, 0.9, 0.01);
    // g' = g + 0.01 w = [0.51, -1.02, 2.03]; v = g'; w -= 0.1 v
    assertArrayEquals(new double[] {0.949, -1.898, 2.797}, step(opt), 1e-12);
    // g' = g + 0.01 [0.949, -1.898, 2.797] = [0.50949, -1.01898, 2.02797]
    // v = 0.9 [0.51, -1.02, 2.03] + g' = [0.96849, -1.93698, 3.85497]; w -= 0.1 v
    assertArrayEquals(new double[] {0.852151, -1.704302, 2.411503}, step(opt), 1e-12);
  }

  @Test
  void momentumAsInTheBook() {
    Optimizer opt = new Momentum(params(), 0.1, 0.9);
    // v = -0.1 g = [-0.05, 0.1, -0.2]
    assertArrayEquals(new double[] {0.95, -1.9, 2.8}, step(opt), 1e-12);
    // v = 0.9 v - 0.1 g = [-0.095, 0.19, -0.38]
    assertArrayEquals(new double[] {0.855, -1.71, 2.42}, step(opt), 1e-12);
  }

  @Test
  void adaGradAsInTheBook() {
    Optimizer opt = new AdaGrad(params(), 0.1);
    // h = g^2 = [0.25, 1, 4]; step = 0.1 g / (|g| + 1e-7)
    double[] w1 = {1 - 0.1 * 0.5 / (0.5 + EPS), -2 + 0.1 / (1 + EPS), 3 - 0.1 * 2 / (2 + EPS)};
    assertArrayEquals(w1, step(opt), 1e-12);
    assertArrayEquals(new double[] {0.9, -1.9, 2.9}, w1, 1e-6);
    // h = 2 g^2; step = 0.1 g / (sqrt(2) |g| + 1e-7), about 0.0707 sign(g)
    double[] w2 = {w1[0] - 0.05 / (Math.sqrt(0.5) + EPS), w1[1] + 0.1 / (Math.sqrt(2) + EPS),
        w1[2] - 0.2 / (Math.sqrt(8) + EPS)};
    assertArrayEquals(w2, step(opt), 1e-12);
  }

  @Test
  void rmsPropAsInTheBook() {
    Optimizer opt = new RmsProp(params(), 0.1, 0.99);
    // h = 0.01 g^2 = [0.0025, 0.01, 0.04]; sqrt(h) = 0.1 |g|; step = 0.1 g / (0.1 |g|) = sign(g)
    assertArrayEquals(new double[] {0, -1, 2}, step(opt), 1e-5);
    double[] expected = {1 - 0.1 * 0.5 / (0.05 + EPS), -2 + 0.1 / (0.1 + EPS),
        3 - 0.1 * 2 / (0.2 + EPS)};
    // h = 0.99 * 0.01 g^2 + 0.01 g^2 = 0.0199 g^2
    double s = Math.sqrt(0.0199);
    double[] w2 = {expected[0] - 0.05 / (s * 0.5 + EPS), expected[1] + 0.1 / (s + EPS),
        expected[2] - 0.2 / (s * 2 + EPS)};
    assertArrayEquals(w2, step(opt), 1e-9);
  }

  /** PyTorch's eps (1e-8, 1e-10) given; here a large one, so that it shows in every step. */
  @Test
  void rmsPropAndAdaGradTakeAnEps() {
    double eps = 0.5;
    Optimizer rms = new RmsProp(params(), 0.1, 0.99, eps, 0);
    // h = 0.01 g^2; step = 0.1 g / (0.1 |g| + eps)
    double[] r1 = {1 - 0.05 / (0.05 + eps), -2 + 0.1 / (0.1 + eps), 3 - 0.2 / (0.2 + eps)};
    assertArrayEquals(r1, step(rms), 1e-12);
    assertEquals("rmsprop(lr=0.1, decay=0.99, eps=0.5)", rms.toString());
    Optimizer ada = new AdaGrad(params(), 0.1, 0, eps);
    assertArrayEquals(new double[] {1 - 0.05 / (0.5 + eps), -2 + 0.1 / (1 + eps),
        3 - 0.2 / (2 + eps)}, step(ada), 1e-12);
    assertEquals("adagrad(lr=0.1, eps=0.5)", ada.toString());
    // the defaults are the book's 1e-7, bit for bit, and say nothing more
    Optimizer byDefault = new RmsProp(params(), 0.1);
    double[] d = step(byDefault);
    assertArrayEquals(d, step(new RmsProp(params(), 0.1, 0.99, AdaGrad.EPSILON, 0)), 0);
    assertEquals("rmsprop(lr=0.1, decay=0.99)", byDefault.toString());
    assertEquals("adagrad(lr=0.1)", new AdaGrad(params(), 0.1).toString());
    for (double bad : new double[] {0, -1e-8, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> new AdaGrad(params(), 0.1, 0, bad)).getMessage().contains("eps must be positive"));
      assertThrows(IllegalArgumentException.class, () -> new RmsProp(params(), 0.1, 0.9, bad, 0));
    }
  }

  /** A state saved with another eps resumes exactly under an optimizer made with that eps. */
  @Test
  void aStateWithAnotherEpsContinuesExactly() {
    List<Function<Map<String, Tensor>, Optimizer>> makers = List.of(
        p -> new RmsProp(p, 0.05, 0.9, 1e-8, 0.01), p -> new AdaGrad(p, 0.05, 0.01, 1e-10));
    for (Function<Map<String, Tensor>, Optimizer> make : makers) {
      Optimizer a = make.apply(params());
      Tensor wa = w;
      step(a);
      step(a);
      OptimizerState saved = a.state();
      Optimizer b = make.apply(params());
      w.assign(wa);
      b.loadState(saved);
      double[] continued = step(b);
      w = wa;
      assertArrayEquals(step(a), continued, 0, a.toString());
    }
  }

  @Test
  void adamAsInTheBook() {
    Adam opt = new Adam(params(), 0.1, 0.9, 0.999);
    // t = 1: lr_t = 0.1 sqrt(0.001) / 0.1; m = 0.1 g; v = 0.001 g^2; m / sqrt(v) = sqrt(10) sign(g)
    // so the first step is 0.1 sign(g), up to the 1e-7
    assertArrayEquals(new double[] {0.9, -1.9, 2.9}, step(opt), 1e-5);
    assertEquals(1, opt.steps());
    // t = 2: m = 0.19 g, v = 0.001999 g^2, lr_t = 0.1 sqrt(1 - 0.999^2) / (1 - 0.81)
    double lrT = 0.1 * Math.sqrt(1 - 0.999 * 0.999) / 0.19;
    double[] w2 = new double[3];
    double[] w1 = w.toDoubleArray();
    for (int i = 0; i < 3; i++) {
      w2[i] = w1[i] - lrT * 0.19 * G[i] / (Math.sqrt(0.001999) * Math.abs(G[i]) + EPS);
    }
    assertArrayEquals(w2, step(opt), 1e-9);
    // the bias correction makes the second step 0.1 sign(g) as well
    assertEquals(0.8, w2[0], 1e-5);
  }

  @Test
  void stepRecordsNothingAndSkipsParametersWithoutGradient() {
    Map<String, Tensor> p = params();
    Tensor unused = Tensor.of(new double[] {7}).requiresGrad(true);
    p.put("unused", unused);
    Optimizer opt = new Adam(p, 0.1);
    step(opt);
    assertTrue(w.isLeaf());
    assertTrue(w.requiresGrad());
    assertArrayEquals(new double[] {7}, unused.toDoubleArray());
    opt.zeroGrad();
    assertNull(w.grad());
  }

  @Test
  void savedStateContinuesExactly() {
    for (OptimizerKind kind : OptimizerKind.values()) {
      Optimizer a = kind.create(params(), 0.05);
      Tensor wa = w;
      step(a);
      step(a);
      OptimizerState saved = a.state();
      Optimizer b = kind.create(params(), 0.05);
      w.assign(wa);
      b.loadState(saved);
      double[] continued = step(b);
      w = wa;
      double[] uninterrupted = step(a);
      assertArrayEquals(uninterrupted, continued, 1e-15, kind.toString());
    }
  }

  @Test
  void loadingStateChecksKindNamesAndShapes() {
    Optimizer adam = new Adam(params(), 0.1);
    step(adam);
    OptimizerState state = adam.state();
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> new Sgd(params(), 0.1).loadState(state));
    assertTrue(kind.getMessage().contains("'adam'"), kind.getMessage());

    Map<String, Tensor> other = new LinkedHashMap<>();
    other.put("w", Tensor.of(new double[] {1, 2}).requiresGrad(true));
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> new Adam(other, 0.1).loadState(state));
    assertTrue(shape.getMessage().contains("[3]") && shape.getMessage().contains("[2]"),
        shape.getMessage());

    Map<String, Tensor> renamed = new LinkedHashMap<>();
    renamed.put("v", Tensor.of(new double[] {1, 2, 3}).requiresGrad(true));
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> new Adam(renamed, 0.1).loadState(state));
    assertTrue(name.getMessage().contains("belongs to no parameter"), name.getMessage());
  }

  @Test
  void stateIsCompleteAndLoadingAnIncompleteStateFailsChangingNothing() {
    for (OptimizerKind kind : OptimizerKind.values()) {
      Optimizer fresh = kind.create(params(), 0.05);
      Map<String, Tensor> before = fresh.state().tensors();
      Optimizer a = kind.create(params(), 0.05);
      step(a);
      Map<String, Tensor> tensors = new LinkedHashMap<>(a.state().tensors());
      assertEquals(before.keySet(), tensors.keySet(), kind + ": every slot, stepped or not");
      if (tensors.isEmpty()) {
        continue; // plain sgd keeps no slots
      }
      String dropped = tensors.keySet().iterator().next();
      tensors.remove(dropped);
      OptimizerState damaged = new OptimizerState(a.state().kind(), tensors, a.state().values());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kind.create(params(), 0.05).loadState(damaged), kind.toString());
      assertTrue(e.getMessage().contains("no slot '" + dropped.substring(0, dropped.indexOf('.'))
          + "' of parameter 'w'"), e.getMessage());
    }
  }

  @Test
  void adamCountsStepsPerParameter() {
    Map<String, Tensor> p = params();
    Tensor late = Tensor.of(new double[] {1}).requiresGrad(true);
    p.put("late", late);
    Adam adam = new Adam(p, 0.1);
    step(adam); // 'late' has no gradient yet
    adam.zeroGrad();
    late.mul(Tensor.of(new double[] {0.5})).sum().backward();
    adam.step();
    // its first update, so t = 1 for it: m/sqrt(v) = sign(g), W -= lr
    assertArrayEquals(new double[] {0.9}, late.toDoubleArray(), 1e-6);
    assertEquals(Map.of("t", "2", "t.w", "1", "t.late", "1"), adam.state().values());
  }

  /** The main job's --optimizer adadelta: PyTorch's Adadelta at its defaults, rate 1.0. */
  @Test
  void adadeltaIsAKindAtPyTorchsDefaults() {
    OptimizerKind kind = OptimizerKind.parse("adadelta");
    assertEquals(1.0, kind.defaultLearningRate());
    Optimizer made = kind.create(params(), 1.0);
    double[] viaKind = step(made);
    assertArrayEquals(step(new Adadelta(params(), 1.0)), viaKind, 0);
    assertEquals("adadelta", made.state().kind());
  }

  @Test
  void badSettingsAreRejected() {
    Function<Double, Optimizer> sgd = lr -> new Sgd(params(), lr);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.apply(0.0));
    assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Momentum(params(), 0.1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(Map.of(), 0.1));
    // a tensor without requiresGrad is a frozen parameter, accepted (FrozenParameterTest); an
    // integer tensor is no parameter
    assertThrows(IllegalArgumentException.class,
        () -> new Sgd(Map.of("x", Tensor.indices(new int[] {1})), 0.1));
    assertEquals(OptimizerKind.ADAM, OptimizerKind.parse(" Adam "));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.parse("lbfgs"));
    assertTrue(unknown.getMessage().contains("sgd, momentum, adagrad, rmsprop, adam, adamw, adadelta"),
        unknown.getMessage());
  }
}
