package dev.jgrad.autograd;

import dev.jgrad.api.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Numerical differentiation by central difference, as in the book ({@code h = 1e-4}), and a
 * gradient check that compares it with autograd in FLOAT64.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {3, 4});
 * Tensor g = GradCheck.numericalGradient(v -> v.pow(2).sum(), x);   // [6, 8]
 * GradCheck.Result r = GradCheck.gradCheck(in -> in.get(0).tanh().sum(), List.of(x));
 * r.passed();   // true; r.toString() names the worst element and its relative error
 * }</pre>
 */
public final class GradCheck {
  /** The book's step for central differences. */
  public static final double H = 1e-4;
  /** Default bound on the relative error of {@link #gradCheck}. */
  public static final double TOLERANCE = 1e-4;
  /** Gradients below this magnitude are compared absolutely, so rounding noise cannot fail them. */
  static final double FLOOR = 1e-3;

  private GradCheck() {}

  /** The worst disagreement between autograd and central differences. */
  public record Result(double worstRelativeError, int input, int element, double analytic,
      double numeric, double tolerance) {
    /** Whether the worst relative error is within the tolerance. */
    public boolean passed() {
      return worstRelativeError <= tolerance;
    }

    @Override
    public String toString() {
      return String.format("gradCheck %s: worst relative error %.3g (tolerance %.1g) at input %d "
          + "element %d: autograd %.10g vs numerical %.10g", passed() ? "passed" : "FAILED",
          worstRelativeError, tolerance, input, element, analytic, numeric);
    }
  }

  /** {@code df/dx} for a scalar-valued {@code f} by central difference. */
  public static Tensor numericalGradient(Function<Tensor, Tensor> f, Tensor x) {
    return numericalGradient(in -> f.apply(in.get(0)), List.of(x)).get(0);
  }

  /**
   * The gradient of a scalar-valued {@code f} with respect to each input by central difference
   * {@code (f(x + h) - f(x - h)) / 2h}, one element at a time. Runs without recording.
   */
  public static List<Tensor> numericalGradient(Function<List<Tensor>, Tensor> f,
      List<Tensor> inputs) {
    List<Tensor> grads = new ArrayList<>();
    try (NoGrad ignored = NoGrad.scope()) {
      for (int i = 0; i < inputs.size(); i++) {
        Tensor x = inputs.get(i);
        double[] values = x.toDoubleArray();
        double[] grad = new double[values.length];
        for (int e = 0; e < values.length; e++) {
          double keep = values[e];
          values[e] = keep + H;
          double plus = evaluate(f, inputs, i, values);
          values[e] = keep - H;
          double minus = evaluate(f, inputs, i, values);
          values[e] = keep;
          grad[e] = (plus - minus) / (2 * H);
        }
        grads.add(Tensor.of(grad, x.dtype(), x.shape().dims()).to(x.backend()));
      }
    }
    return grads;
  }

  private static double evaluate(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, int i,
      double[] values) {
    List<Tensor> in = new ArrayList<>(inputs);
    Tensor x = inputs.get(i);
    in.set(i, Tensor.of(values, x.dtype(), x.shape().dims()).to(x.backend()));
    Tensor y = f.apply(in);
    if (y.size() != 1) {
      throw new IllegalArgumentException("numericalGradient needs a scalar-valued function, got "
          + "shape " + y.shape() + "; reduce it (sum(), mean())");
    }
    return y.item();
  }

  /** {@link #gradCheck(Function, List, double)} with the default tolerance. */
  public static Result gradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
    return gradCheck(f, inputs, TOLERANCE);
  }

  /** {@link #gradGradCheck(Function, List, double)} with the default tolerance. */
  public static Result gradGradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
    return gradGradCheck(f, inputs, TOLERANCE);
  }

  /**
   * Second derivatives (PyTorch's {@code gradgradcheck}): {@link #gradCheck} of
   * {@code sum_i <df/dx_i, v_i>} for fixed random {@code v_i}, its gradients computed by
   * {@link Autograd#grad} with {@link GradOptions#createGraph()}, so every gradient rule on the
   * way is differentiated once more and compared with central differences of the first
   * gradients. A non-scalar {@code f} is reduced with fixed random weights as in gradCheck.
   */
  public static Result gradGradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
      double tolerance) {
    List<Tensor> directions = new ArrayList<>();
    Random rnd = new Random(7);
    for (Tensor t : inputs) {
      directions.add(Tensor.uniform(rnd, 0.5, 1.5, DType.FLOAT64, t.shape().dims())
          .to(t.backend()));
    }
    Function<List<Tensor>, Tensor> firstOrder = in -> {
      try (EnableGrad recording = EnableGrad.scope()) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor t : in) { // the central differences' inputs are new tensors
          leaves.add(t.requiresGrad() ? t : t.requiresGrad(true));
        }
        Tensor y = f.apply(leaves);
        if (y.size() != 1) {
          y = y.mul(Tensor.uniform(new Random(42), 0.5, 1.5, DType.FLOAT64, y.shape().dims())
              .to(y.backend())).sum();
        }
        List<Tensor> grads = Autograd.grad(y, leaves,
            GradOptions.defaults().createGraph().allowUnused());
        Tensor total = leaves.get(0).sum().mul(0.0); // on the graph, so always differentiable
        for (int i = 0; i < grads.size(); i++) {
          if (grads.get(i) != null) {
            total = total.add(grads.get(i).mul(directions.get(i)).sum());
          }
        }
        return total;
      }
    };
    return gradCheck(firstOrder, inputs, tolerance);
  }

  /**
   * Compares autograd with central differences in FLOAT64 (inputs are converted). A non-scalar
   * {@code f} is reduced with fixed random weights, so every output element is checked.
   */
  public static Result gradCheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
      double tolerance) {
    List<Tensor> leaves = new ArrayList<>();
    for (Tensor t : inputs) {
      leaves.add(t.to(DType.FLOAT64).detach().requiresGrad(true));
    }
    Tensor probe;
    try (NoGrad ignored = NoGrad.scope()) {
      probe = f.apply(leaves);
    }
    Tensor weights = probe.size() == 1 ? null
        : Tensor.uniform(new Random(42), 0.5, 1.5, DType.FLOAT64, probe.shape().dims())
            .to(probe.backend());
    Function<List<Tensor>, Tensor> scalarF = weights == null ? f
        : in -> f.apply(in).mul(weights).sum();
    scalarF.apply(leaves).backward();
    List<Tensor> numeric = numericalGradient(scalarF, leaves);
    Result worst = new Result(0, -1, -1, 0, 0, tolerance);
    for (int i = 0; i < leaves.size(); i++) {
      Tensor g = leaves.get(i).grad();
      double[] a = g == null ? new double[(int) leaves.get(i).size()] : g.toDoubleArray();
      double[] n = numeric.get(i).toDoubleArray();
      for (int e = 0; e < a.length; e++) {
        double rel = Math.abs(a[e] - n[e]) / Math.max(FLOOR, Math.max(Math.abs(a[e]), Math.abs(n[e])));
        if (rel > worst.worstRelativeError() || worst.input() < 0) {
          worst = new Result(rel, i, e, a[e], n[e], tolerance);
        }
      }
    }
    return worst;
  }
}
