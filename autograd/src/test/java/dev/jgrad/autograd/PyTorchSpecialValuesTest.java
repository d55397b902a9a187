package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.ops.BiasActivationOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values and gradients on special inputs (infinities, NaN, zeros of both signs, the largest and
 * smallest floats) against PyTorch 2.13's answers on the CPU: every expected number below was
 * computed once with PyTorch (torch.float32 and torch.float64; the same literals serve both, the
 * FLOAT32 ones compared within 1e-6) and checked by reasoning, so the build never needs Python.
 * Each runs on the CPU backend's kernels and on the portable ones (a renamed CPU backend).
 *
 * <p>The first six cases failed before jgrad matched PyTorch there; the table after them held
 * already; the last test pins the differences jgrad keeps on purpose (docs/reliability.md,
 * "Arithmetic").
 */
class PyTorchSpecialValuesTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double NAN = Double.NaN;

  static Stream<Arguments> backends() {
    List<Arguments> all = new ArrayList<>();
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      all.add(Arguments.of(dtype, "cpu"));
      all.add(Arguments.of(dtype, "portable"));
    }
    return all.stream();
  }

  private static Backend backend(String name) {
    return name.equals("cpu") ? Backends.byName("cpu") : TestBackends.renamedCpu(name);
  }

  private static double max(DType dtype) {
    return dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
  }

  private static double tiny(DType dtype) {
    return dtype == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
  }

  /** An input: its values and shape. */
  private record In(double[] values, int... shape) {}

  private static In in(int[] shape, double... values) {
    return new In(values, shape);
  }

  private static In vec(double... values) {
    return new In(values, values.length);
  }

  /** The forward values, then each input's gradient. */
  private record Result(double[] value, double[][] grads) {}

  /** {@code f} of the inputs on the backend, and backward from an incoming gradient of g. */
  private static Result run(String backendName, DType dtype, double g,
      Function<List<Tensor>, Tensor> f, In... inputs) {
    try (Backends.Scope scope = Backends.use(backend(backendName))) {
      List<Tensor> xs = new ArrayList<>();
      for (In in : inputs) {
        xs.add(Tensor.of(in.values(), dtype, in.shape()).requiresGrad(true));
      }
      Tensor out = f.apply(xs);
      out.backward(Tensor.full(g, dtype, out.shape().dims()));
      double[][] grads = new double[xs.size()][];
      for (int i = 0; i < grads.length; i++) {
        grads[i] = xs.get(i).grad().toDoubleArray();
      }
      return new Result(out.toDoubleArray(), grads);
    }
  }

  /**
   * NaN meets NaN, an infinity itself, a zero a zero of the same sign; anything else within 1e-6
   * (FLOAT32) or 1e-12 (FLOAT64) relative to 1 + |want|.
   */
  private static void assertClose(String what, DType dtype, double[] want, double[] got) {
    assertEquals(want.length, got.length, what);
    double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
    for (int i = 0; i < want.length; i++) {
      double w = want[i];
      double g = got[i];
      boolean ok;
      if (Double.isNaN(w) || Double.isInfinite(w)) {
        ok = Double.compare(w, g) == 0;
      } else if (w == 0 && g == 0) {
        ok = Double.compare(w, g) == 0; // +0 and -0 differ
      } else {
        ok = Math.abs(w - g) <= tol * (1 + Math.abs(w));
      }
      assertTrue(ok, what + " " + dtype + " at " + i + ": PyTorch gives " + w + ", got " + g
          + "\n  want " + Arrays.toString(want) + "\n  got  " + Arrays.toString(got));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void reluSelectsTheGradientAsPyTorchDoes(DType dtype, String backend) {
    // g where x > 0, +0 where x <= 0: no NaN from an infinite g, no -0 from a negative one
    double[] x = {1, 0, -1, -0.0, INF, -INF, 2, tiny(dtype), -max(dtype)};
    for (double g : new double[] {INF, -INF, -1, -0.0}) {
      Result r = run(backend, dtype, g, t -> t.get(0).relu(), vec(x));
      assertClose("relu' g=" + g, dtype, new double[] {g, 0, 0, 0, g, 0, g, g, 0}, r.grads()[0]);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void fusedBiasReluSelectsTheGradientAsPyTorchDoes(DType dtype, String backend) {
    double[] x = {1, 0, -1, -0.0, INF, -INF, 2, tiny(dtype), -max(dtype)};
    double[][] bias = {{INF, INF, 0}, {-INF, -INF, 0}, {-2, -2, 0}, {0, 0, 0}};
    double[] gs = {INF, -INF, -1, -0.0};
    for (int k = 0; k < gs.length; k++) {
      double g = gs[k];
      Result r = run(backend, dtype, g, t -> BiasActivationOps.biasActivation(t.get(0), t.get(1),
          FusedActivation.RELU), in(new int[] {3, 3}, x), vec(0, 0, 0));
      assertClose("bias+relu' x g=" + g, dtype, new double[] {g, 0, 0, 0, g, 0, g, g, 0},
          r.grads()[0]);
      assertClose("bias+relu' bias g=" + g, dtype, bias[k], r.grads()[1]);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void clampSelectsTheGradientAsPyTorchDoes(DType dtype, String backend) {
    double[] x = {0.5, -1, 1, 2, -2, INF, -INF, -max(dtype)};
    for (double g : new double[] {INF, -INF, -1}) {
      Result r = run(backend, dtype, g, t -> t.get(0).clamp(-1, 1), vec(x));
      assertClose("clamp' g=" + g, dtype, new double[] {g, g, g, 0, 0, 0, 0, 0}, r.grads()[0]);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void powerZeroIsOneWithAZeroGradientEverywhere(DType dtype, String backend) {
    Result r = run(backend, dtype, 1, t -> t.get(0).pow(0),
        vec(0, -0.0, INF, -INF, NAN, 1, Double.MIN_VALUE, -2));
    assertClose("x^0", dtype, new double[] {1, 1, 1, 1, 1, 1, 1, 1}, r.value());
    assertClose("(x^0)'", dtype, new double[8], r.grads()[0]); // was NaN at 0, -0 and NaN
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void logSoftmaxOfTheLargestFloatsIsExact(DType dtype, String backend) {
    double m = max(dtype);
    Result r = run(backend, dtype, 1, t -> t.get(0).logSoftmax(-1),
        in(new int[] {3, 3}, m, m, 1, 3, 3, 3, -m, 0, m));
    double log3 = 1.0986122886681098;
    assertClose("logSoftmax", dtype, new double[] {-0.6931471805599453, -0.6931471805599453, -m,
        -log3, -log3, -log3, -INF, -m, 0}, r.value()); // [max, max, 1] gave [0, 0, -max]
    assertClose("logSoftmax'", dtype, new double[] {-0.5, -0.5, 1, 0, 0, 0, 1, 1, -2},
        r.grads()[0]); // and [-2, -2, 1]
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void stdOfAConstantRowHasAZeroGradient(DType dtype, String backend) {
    Result r = run(backend, dtype, 1, t -> t.get(0).std(-1, false),
        in(new int[] {3, 3}, 1, 1, 1, 2, 4, 6, -5, -5, -5));
    assertClose("std", dtype, new double[] {0, 2, 0}, r.value());
    assertClose("std'", dtype, new double[] {0, 0, 0, -0.5, 0, 0.5, 0, 0, 0},
        r.grads()[0]); // NaN for the constant rows before
  }

  /** One row of the table: an op, its inputs, PyTorch's value and gradients (from g = 1). */
  private record Case(String name, Function<List<Tensor>, Tensor> f, In[] inputs, double[] value,
      double[]... grads) {}

  private static Case c(String name, Function<List<Tensor>, Tensor> f, In[] inputs,
      double[] value, double[]... grads) {
    return new Case(name, f, inputs, value, grads);
  }

  private static In[] ins(In... inputs) {
    return inputs;
  }

  private static double[] v(double... values) {
    return values;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void specialValuesGiveWhatPyTorchGives(DType dtype, String backend) {
    double log2 = 0.6931471805599453;
    double third = 1.0 / 3;
    List<Case> table = List.of(
        c("sigmoid", t -> t.get(0).sigmoid(), ins(vec(INF, -INF, NAN, 0)),
            v(1, 0, NAN, 0.5), v(0, 0, NAN, 0.25)),
        c("tanh", t -> t.get(0).tanh(), ins(vec(INF, -INF, -0.0)), v(1, -1, -0.0), v(0, 0, 1)),
        c("exp", t -> t.get(0).exp(), ins(vec(INF, -INF, 1000, NAN)),
            v(INF, 0, INF, NAN), v(INF, 0, INF, NAN)),
        c("log", t -> t.get(0).log(), ins(vec(0, -0.0, INF, -1)),
            v(-INF, -INF, INF, NAN), v(INF, -INF, 0, -1)),
        c("sqrt", t -> t.get(0).sqrt(), ins(vec(0, INF, -1)), v(0, INF, NAN), v(INF, 0, NAN)),
        c("div", t -> t.get(0).div(t.get(1)), ins(vec(1, -1, 0, INF), vec(0, 0, 0, 2)),
            v(INF, -INF, NAN, INF), v(INF, INF, INF, 0.5), v(-INF, INF, NAN, -INF)),
        c("mul", t -> t.get(0).mul(t.get(1)), ins(vec(INF, 0, NAN), vec(0, 2, 1)),
            v(NAN, 0, NAN), v(0, 2, 1), v(INF, 0, NAN)),
        c("softmax", t -> t.get(0).softmax(-1), ins(in(new int[] {3, 3}, INF, 1, 2, -INF, 1, 1,
            -INF, -INF, 0)), v(NAN, NAN, NAN, 0, 0.5, 0.5, 0, 0, 1),
            v(NAN, NAN, NAN, 0, 0, 0, 0, 0, 0)),
        // a target of 0 times log(softmax) = -inf is NaN, in PyTorch's cross_entropy too
        c("softmaxCrossEntropy", t -> Losses.softmaxCrossEntropy(t.get(0), t.get(1)),
            ins(in(new int[] {1, 3}, -INF, 0, 0), in(new int[] {1, 3}, 0, 1, 0)),
            v(NAN), v(0, -0.5, 0.5), v(INF, log2, log2)),
        c("binaryCrossEntropyWithLogits",
            t -> Losses.binaryCrossEntropyWithLogits(t.get(0), t.get(1)),
            ins(vec(INF, -INF, INF, -INF), vec(1, 0, 0, 1)),
            v(NAN), v(0, 0, 0.25, -0.25), v(-INF, INF, -INF, INF)),
        c("meanSquaredError", t -> Losses.meanSquaredError(t.get(0), t.get(1)),
            ins(vec(INF, 1), vec(1, 1)), v(INF), v(INF, 0)), // the target's: see the last test
        // the NaN wins its window and takes the gradient; of tied maxima the first does
        c("maxPool2d", t -> PoolOps.maxPool2d(t.get(0), new int[] {2, 2}, new int[] {2, 2},
            new int[] {0, 0}), ins(in(new int[] {1, 1, 2, 4}, NAN, 1, 3, 3, 2, 2, 1, 3)),
            v(NAN, 3), v(1, 0, 1, 0, 0, 0, 0, 0)),
        // tied maxima share the gradient (torch.amax)
        c("max", t -> t.get(0).max(-1, false), ins(in(new int[] {2, 3}, 1, 3, 3, -INF, -INF,
            -INF)), v(3, -INF), v(0, 0.5, 0.5, third, third, third)),
        c("leakyRelu", t -> t.get(0).leakyRelu(0.1), ins(vec(-1, -INF, 2)),
            v(-0.1, -INF, 2), v(0.1, 0.1, 1)));
    for (Case k : table) {
      Result r = run(backend, dtype, 1, k.f(), k.inputs());
      assertClose(k.name(), dtype, k.value(), r.value());
      for (int i = 0; i < k.grads().length; i++) {
        assertClose(k.name() + "' input " + i, dtype, k.grads()[i], r.grads()[i]);
      }
    }
  }

  /**
   * Where jgrad answers otherwise on purpose (docs/reliability.md, "Arithmetic"): a NaN gets
   * through relu's gradient (PyTorch: g where x is NaN, 0 for a NaN g where x <= 0); x^0.5 is
   * IEEE pow, +inf at -inf (PyTorch takes sqrt: NaN); a +inf logit leaves -inf for the others in
   * logSoftmax (PyTorch: NaN for the row); max's gradient is amax's, NaN when the max is NaN
   * (torch.max() without a dim sends it to the NaN); the MSE target's gradient where y = t is
   * -0 (PyTorch +0).
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("backends")
  void deliberateDifferencesStayAsDocumented(DType dtype, String backend) {
    Result relu = run(backend, dtype, 1, t -> t.get(0).relu(), vec(NAN, -1));
    assertClose("relu' at NaN", dtype, v(NAN, 0), relu.grads()[0]); // PyTorch: 1, 0
    Result reluNanG = run(backend, dtype, NAN, t -> t.get(0).relu(), vec(-1, 1));
    assertClose("relu' of a NaN g", dtype, v(NAN, NAN), reluNanG.grads()[0]); // PyTorch: 0, NaN
    Result pow = run(backend, dtype, 1, t -> t.get(0).pow(0.5), vec(-INF, 4));
    assertClose("(-inf)^0.5", dtype, v(INF, 2), pow.value()); // PyTorch: NaN, 2
    Result lsm = run(backend, dtype, 1, t -> t.get(0).logSoftmax(-1), vec(INF, 1, 2));
    assertClose("logSoftmax with +inf", dtype, v(NAN, -INF, -INF), lsm.value()); // PyTorch: NaN
    Result max = run(backend, dtype, 1, t -> t.get(0).max(), vec(NAN, 1, 2));
    assertClose("max' at NaN", dtype, v(NAN, NAN, NAN), max.grads()[0]); // PyTorch: 1, 0, 0
    Result mse = run(backend, dtype, 1, t -> Losses.meanSquaredError(t.get(0), t.get(1)),
        vec(INF, 1), vec(1, 1));
    assertClose("mse' target", dtype, v(-INF, -0.0), mse.grads()[1]); // PyTorch: -inf, 0
  }
}
