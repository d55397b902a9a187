package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.AdaGrad;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.GradClip;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.Momentum;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.RmsProp;
import dev.jgrad.optim.Sgd;
import dev.jgrad.trainfuzz.OptimizerReference.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded differential fuzzing of the optimizers: random parameter sets (shapes, FLOAT32 and
 * FLOAT64, a parameter listed twice), random gradients (some parameters unused in a step, some
 * gradients accumulated over two passes), learning rates changed between steps, weight decay on
 * and off; parameters after every step against {@link OptimizerReference} in double. Also
 * {@code state()}/{@code loadState()} into a fresh optimizer mid-run, then both continue: the same
 * bits; and {@code backwardStep} against {@code backward()} + {@code step()}: the same bits.
 */
class OptimizerFuzzTest {
  private static final int CASES = 240;

  /** One drawn configuration. */
  record Config(long seed, Kind kind, double lr, double momentum, double beta1, double beta2,
      double eps, double weightDecay) {
    Optimizer make(Map<String, Tensor> params) {
      return switch (kind) {
        case SGD -> new Sgd(params, lr, momentum, weightDecay);
        case MOMENTUM -> new Momentum(params, lr, momentum, weightDecay);
        case ADAGRAD -> new AdaGrad(params, lr, weightDecay);
        case RMSPROP -> new RmsProp(params, lr, momentum, weightDecay);
        case ADAM -> new Adam(params, lr, beta1, beta2, weightDecay);
        case ADAMW -> new AdamW(params, lr, beta1, beta2, eps, weightDecay);
      };
    }

    OptimizerReference reference() {
      return new OptimizerReference(kind, momentum, beta1, beta2, eps, weightDecay);
    }

    static Config draw(long seed) {
      Random r = new Random(seed);
      Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
      double lr = Math.pow(10, -3 + 2.5 * r.nextDouble());
      double momentum = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.99;
      double beta1 = r.nextInt(4) == 0 ? 0.9 : r.nextDouble() * 0.99;
      double beta2 = r.nextInt(4) == 0 ? 0.999 : 0.5 + r.nextDouble() * 0.499;
      double eps = Math.pow(10, -9 + 4 * r.nextDouble());
      double wd = r.nextBoolean() ? 0 : Math.pow(10, -4 + 3.5 * r.nextDouble());
      return new Config(seed, kind, lr, momentum, beta1, beta2, eps, wd);
    }
  }

  private static int[] randomShape(Random r) {
    int[] shape = new int[1 + r.nextInt(3)];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = 1 + r.nextInt(4);
    }
    return shape;
  }

  private static double[] randomValues(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * scale;
    }
    return v;
  }

  private static double[] times(double[] a, double s) {
    double[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= s;
    }
    return out;
  }

  /** A drawn parameter set with its gradients for every step: the same draws for every run. */
  static final class Run {
    final Config config;
    final List<String> names = new ArrayList<>();
    final List<int[]> shapes = new ArrayList<>();
    final List<DType> dtypes = new ArrayList<>();
    final List<double[]> initial = new ArrayList<>();
    final String alias; // a second name for parameter 0, or null
    final int steps;
    /** Per step, per parameter: the coefficient tensors of each backward pass (none: unused). */
    final List<List<List<double[]>>> coefficients = new ArrayList<>();
    final double[] rates;

    Run(Config c) {
      config = c;
      Random r = new Random(c.seed * 31 + 7);
      int n = 1 + r.nextInt(4);
      for (int i = 0; i < n; i++) {
        names.add("p" + i);
        int[] shape = randomShape(r);
        shapes.add(shape);
        dtypes.add(r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64);
        initial.add(randomValues(r, Arrays.stream(shape).reduce(1, (a, b) -> a * b), 1));
      }
      alias = r.nextInt(4) == 0 ? "alias" : null;
      steps = 2 + r.nextInt(6);
      rates = new double[steps];
      for (int s = 0; s < steps; s++) {
        rates[s] = r.nextInt(3) == 0 ? c.lr * (0.1 + r.nextDouble()) : c.lr;
        List<List<double[]>> perParam = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          List<double[]> passes = new ArrayList<>();
          if (r.nextInt(5) != 0) {
            int count = r.nextInt(4) == 0 ? 2 : 1;
            boolean f64 = dtypes.get(i) == DType.FLOAT64;
            double scale = Math.pow(10, f64 ? -6 + 7 * r.nextDouble() : -2 + 3 * r.nextDouble());
            for (int k = 0; k < count; k++) {
              passes.add(randomValues(r, initial.get(i).length, scale));
            }
          }
          perParam.add(passes);
        }
        coefficients.add(perParam);
      }
    }

    Map<String, Tensor> freshParameters(Backend backend) {
      Map<String, Tensor> params = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        params.put(names.get(i), Tensor.of(initial.get(i), dtypes.get(i), shapes.get(i))
            .to(backend).requiresGrad(true));
      }
      if (alias != null) {
        params.put(alias, params.get(names.get(0)));
      }
      return params;
    }

    /** The gradient passes of step {@code s} on {@code params}. */
    void backward(Map<String, Tensor> params, int s, boolean fused, Optimizer opt) {
      int passes = 0;
      for (List<double[]> p : coefficients.get(s)) {
        passes = Math.max(passes, p.size());
      }
      for (int k = 0; k < passes; k++) {
        Tensor loss = null;
        for (int i = 0; i < names.size(); i++) {
          List<double[]> cs = coefficients.get(s).get(i);
          if (k < cs.size()) {
            Tensor w = params.get(names.get(i));
            Tensor c = Tensor.of(cs.get(k), w.dtype(), shapes.get(i)).to(w.backend());
            Tensor term = w.mul(c).sum();
            if (term.dtype() != DType.FLOAT64) {
              term = term.to(DType.FLOAT64);
            }
            loss = loss == null ? term : loss.add(term);
          }
        }
        if (fused && k == passes - 1) {
          opt.backwardStep(loss);
        } else {
          loss.backward();
        }
      }
      if (!fused) {
        opt.step();
      }
    }

    /** The gradient the reference sees for parameter {@code i} at step {@code s}, or null. */
    double[] gradient(int i, int s) {
      List<double[]> cs = coefficients.get(s).get(i);
      if (cs.isEmpty()) {
        return null;
      }
      double[] g = new double[initial.get(i).length];
      for (double[] c : cs) {
        double[] rounded = Tensor.of(c, dtypes.get(i), shapes.get(i)).toDoubleArray();
        for (int j = 0; j < g.length; j++) {
          g[j] += rounded[j];
        }
      }
      if (dtypes.get(i) == DType.FLOAT32) { // the float gradient the optimizer reads
        g = Tensor.of(g, DType.FLOAT32, g.length).toDoubleArray();
      }
      return g;
    }
  }

  /** Odd cases on the CPU backend (fused updates), even ones on its primitives alone. */
  private static Backend backendOf(int c) {
    return c % 2 == 1 ? Backends.byName("cpu") : PlainCpu.withoutFusion();
  }

  @Test
  void everyOptimizerFollowsItsDocumentedUpdate() {
    for (int c = 0; c < CASES; c++) {
      Config config = Config.draw(1000 + c);
      Run run = new Run(config);
      Backend backend = backendOf(c);
      Map<String, Tensor> params = run.freshParameters(backend);
      Optimizer opt = config.make(params);
      OptimizerReference ref = config.reference();
      List<double[]> expected = new ArrayList<>();
      for (int i = 0; i < run.names.size(); i++) {
        expected.add(params.get(run.names.get(i)).toDoubleArray());
      }
      for (int s = 0; s < run.steps; s++) {
        opt.setLearningRate(run.rates[s]);
        opt.zeroGrad();
        run.backward(params, s, false, opt);
        for (int i = 0; i < run.names.size(); i++) {
          double[] g = run.gradient(i, s);
          if (g != null) {
            ref.update(run.names.get(i), expected.get(i), g, run.rates[s]);
          }
          double[] actual = params.get(run.names.get(i)).toDoubleArray();
          boolean f32 = run.dtypes.get(i) == DType.FLOAT32;
          for (int j = 0; j < actual.length; j++) {
            double e = expected.get(i)[j];
            double tol = f32 ? 2e-4 * (1 + Math.abs(e)) : 1e-9 * (1 + Math.abs(e));
            if (!(Math.abs(actual[j] - e) <= tol)) {
              fail(config + " on " + (backend instanceof FusedSgd ? "cpu" : "cpu primitives")
                  + ": parameter " + run.names.get(i) + " " + run.dtypes.get(i)
                  + Arrays.toString(run.shapes.get(i)) + " element " + j + " after step " + s
                  + ": expected " + e + ", got " + actual[j]);
            }
          }
        }
      }
    }
  }

  private static List<double[]> values(Map<String, Tensor> params, Run run) {
    List<double[]> out = new ArrayList<>();
    run.names.forEach(n -> out.add(params.get(n).toDoubleArray()));
    return out;
  }

  private static void assertSameBits(String what, List<double[]> a, List<double[]> b) {
    for (int i = 0; i < a.size(); i++) {
      long[] x = Arrays.stream(a.get(i)).mapToLong(Double::doubleToRawLongBits).toArray();
      long[] y = Arrays.stream(b.get(i)).mapToLong(Double::doubleToRawLongBits).toArray();
      assertArrayEquals(x, y, what + ": parameter p" + i);
    }
  }

  @Test
  void aStateLoadedIntoAFreshOptimizerContinuesWithTheSameBits() {
    for (int c = 0; c < CASES / 2; c++) {
      Config config = Config.draw(5000 + c);
      Run run = new Run(config);
      int split = 1 + new Random(config.seed).nextInt(run.steps - 1);
      Backend backend = backendOf(c);
      Map<String, Tensor> params = run.freshParameters(backend);
      Optimizer opt = config.make(params);
      Map<String, Tensor> resumed = null;
      Optimizer resumedOpt = null;
      for (int s = 0; s < run.steps; s++) {
        if (s == split) {
          resumed = new LinkedHashMap<>();
          for (int i = 0; i < run.names.size(); i++) {
            Tensor w = params.get(run.names.get(i));
            resumed.put(run.names.get(i),
                Tensor.of(w.toDoubleArray(), w.dtype(), run.shapes.get(i)).to(backend)
                    .requiresGrad(true));
          }
          if (run.alias != null) {
            resumed.put(run.alias, resumed.get(run.names.get(0)));
          }
          resumedOpt = config.make(resumed);
          resumedOpt.loadState(opt.state());
        }
        opt.setLearningRate(run.rates[s]);
        opt.zeroGrad();
        run.backward(params, s, false, opt);
        if (resumedOpt != null) {
          resumedOpt.setLearningRate(run.rates[s]);
          resumedOpt.zeroGrad();
          run.backward(resumed, s, false, resumedOpt);
        }
      }
      String on = backend instanceof FusedSgd ? "cpu" : "cpu primitives";
      assertSameBits(config + " on " + on + " resumed at step " + split, values(params, run),
          values(resumed, run));
    }
  }

  @Test
  void backwardStepTakesTheSameStepsAsBackwardThenStep() {
    for (int c = 0; c < CASES / 2; c++) {
      Config config = Config.draw(9000 + c);
      Random r = new Random(config.seed);
      DType dtype = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
      int batch = 1 + r.nextInt(5);
      int in = 1 + r.nextInt(6);
      int out = 1 + r.nextInt(6);
      double[] w0 = randomValues(r, in * out, 0.5);
      double[] b0 = randomValues(r, out, 0.5);
      int steps = 1 + r.nextInt(4);
      List<double[]> xs = new ArrayList<>();
      List<double[]> cs = new ArrayList<>();
      for (int s = 0; s < steps; s++) {
        xs.add(randomValues(r, batch * in, 1));
        cs.add(randomValues(r, batch * out, 1));
      }
      List<List<double[]>> results = new ArrayList<>();
      for (boolean fused : new boolean[] {false, true}) {
        Tensor w = Tensor.of(w0, dtype, in, out).requiresGrad(true);
        Tensor b = Tensor.of(b0, dtype, out).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", w);
        params.put("b", b);
        Optimizer opt = config.make(params);
        for (int s = 0; s < steps; s++) {
          opt.zeroGrad();
          Tensor x = Tensor.of(xs.get(s), dtype, batch, in);
          Tensor y = x.matmul(w).add(b).relu();
          Tensor loss = y.mul(Tensor.of(cs.get(s), dtype, batch, out)).sum();
          if (fused) {
            opt.backwardStep(loss);
          } else {
            loss.backward();
            opt.step();
          }
        }
        results.add(List.of(w.toDoubleArray(), b.toDoubleArray()));
      }
      assertSameBits(config + " " + dtype + " batch " + batch + " in " + in + " out " + out,
          results.get(0), results.get(1));
    }
  }

  /**
   * GradClip over a drawn parameter set (a parameter listed twice counts once, as in PyTorch's
   * {@code model.parameters()}): the norm and the clipped gradients against double arithmetic.
   */
  @Test
  void gradientClippingFollowsClipGradNorm() {
    for (int c = 0; c < CASES / 2; c++) {
      Config config = Config.draw(13_000 + c);
      Run run = new Run(config);
      Random r = new Random(config.seed);
      boolean onDevice = r.nextBoolean();
      Map<String, Tensor> params = run.freshParameters(Backends.byName("cpu"));
      Optimizer unused = config.make(params); // a step's gradients, with none stepped
      double sumSquares = 0;
      List<double[]> grads = new ArrayList<>();
      Tensor loss = null;
      for (int i = 0; i < run.names.size(); i++) {
        Tensor w = params.get(run.names.get(i));
        double[] g = randomValues(r, (int) w.size(), Math.pow(10, -2 + 3 * r.nextDouble()));
        Tensor term = w.mul(Tensor.of(g, w.dtype(), run.shapes.get(i))).sum().to(DType.FLOAT64);
        loss = loss == null ? term : loss.add(term);
      }
      loss.backward();
      for (int i = 0; i < run.names.size(); i++) {
        double[] g = params.get(run.names.get(i)).grad().toDoubleArray();
        grads.add(g);
        for (double v : g) {
          sumSquares += v * v;
        }
      }
      double norm = Math.sqrt(sumSquares);
      double maxNorm = norm * (0.2 + r.nextDouble());
      double got = onDevice ? GradClip.clipGlobalNormOnDevice(params, maxNorm).item()
          : GradClip.clipGlobalNorm(params, maxNorm);
      String what = config + (onDevice ? " clipGlobalNormOnDevice" : " clipGlobalNorm")
          + " parameters " + run.names + (run.alias != null ? " p0 listed twice" : "");
      if (!(Math.abs(got - norm) <= 1e-5 * norm)) {
        fail(what + ": norm " + got + ", expected " + norm);
      }
      double coefficient = Math.min(1, maxNorm / (norm + GradClip.EPSILON));
      for (int i = 0; i < run.names.size(); i++) {
        double[] actual = params.get(run.names.get(i)).grad().toDoubleArray();
        for (int j = 0; j < actual.length; j++) {
          double e = grads.get(i)[j] * coefficient;
          if (!(Math.abs(actual[j] - e) <= 1e-5 * Math.abs(e) + 1e-30)) {
            fail(what + ": gradient of p" + i + " element " + j + " is " + actual[j]
                + ", expected " + e);
          }
        }
      }
      unused.zeroGrad();
    }
  }
}
