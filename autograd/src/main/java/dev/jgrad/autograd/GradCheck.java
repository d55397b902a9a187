package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

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

  /** {@link #gradCheckParameters(Supplier, List, double)} with the default tolerance. */
  public static Result gradCheckParameters(Supplier<Tensor> loss, List<Tensor> parameters) {
    return gradCheckParameters(loss, parameters, TOLERANCE);
  }

  /**
   * The book's gradient check of a network: compares the gradients of the scalar {@code loss}
   * (recomputed by the supplier, from a module's forward say) with respect to the leaves
   * {@code parameters} with central differences, moving each element by +-h in place and putting
   * it back. The parameters must be FLOAT64 (build the layers with {@code DType.FLOAT64}); their
   * gradients are cleared before and after. {@link Result#input()} is a position in the list.
   */
  public static Result gradCheckParameters(Supplier<Tensor> loss, List<Tensor> parameters,
      double tolerance) {
    checkArgument(parameters != null && !parameters.isEmpty(),
        "gradCheckParameters: no parameters given");
    for (int i = 0; i < parameters.size(); i++) {
      Tensor p = parameters.get(i);
      checkArgument(p.dtype() == DType.FLOAT64 && p.requiresGrad() && p.creator() == null,
          "gradCheckParameters: parameter %s is %s%s; it must be a FLOAT64 leaf that requires "
          + "grad (build the layers with DType.FLOAT64)", i, p.describe(),
          p.creator() != null ? " (computed)" : p.requiresGrad() ? "" : " (requires no grad)");
      p.zeroGrad();
    }
    Tensor value = loss.get();
    checkArgument(value.size() == 1, "gradCheckParameters: the loss must be a scalar, got shape "
        + "%s; reduce it (sum(), mean())", value.shape());
    value.backward();
    List<double[]> analytic = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      Tensor g = parameters.get(i).grad();
      checkArgument(g != null, "gradCheckParameters: the loss does not compute from parameter "
          + "%s (%s)", i, parameters.get(i).describe());
      analytic.add(g.toDoubleArray());
      parameters.get(i).zeroGrad();
    }
    Result worst = new Result(0, -1, -1, 0, 0, tolerance);
    try (NoGrad ignored = NoGrad.scope()) {
      for (int i = 0; i < parameters.size(); i++) {
        Tensor p = parameters.get(i);
        double[] values = p.toDoubleArray();
        for (int e = 0; e < values.length; e++) {
          double keep = values[e];
          double plus = lossAt(loss, p, values, e, keep + H);
          double minus = lossAt(loss, p, values, e, keep - H);
          values[e] = keep;
          p.assign(Tensor.of(values, DType.FLOAT64, p.shape().dims()).to(p.backend()));
          worst = worse(worst, i, e, analytic.get(i)[e], (plus - minus) / (2 * H), tolerance);
        }
      }
    }
    return worst;
  }

  private static double lossAt(Supplier<Tensor> loss, Tensor p, double[] values, int e,
      double v) {
    values[e] = v;
    p.assign(Tensor.of(values, DType.FLOAT64, p.shape().dims()).to(p.backend()));
    return loss.get().item();
  }

  private static Result worse(Result worst, int input, int element, double a, double n,
      double tolerance) {
    double rel = Math.abs(a - n) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(n)));
    return rel > worst.worstRelativeError() || worst.input() < 0
        ? new Result(rel, input, element, a, n, tolerance) : worst;
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
        Tensor total = null; // every leaf on the graph (times 0): a constant gradient is checked
        for (Tensor leaf : leaves) {
          Tensor zero = leaf.sum().mul(0.0);
          total = total == null ? zero : total.add(zero);
        }
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
    boolean converted = false;
    for (Tensor t : inputs) {
      converted |= t.dtype() != DType.FLOAT64;
      leaves.add(t.to(DType.FLOAT64).detach().requiresGrad(true));
    }
    Tensor probe;
    try (NoGrad ignored = NoGrad.scope()) {
      probe = f.apply(leaves);
    } catch (RuntimeException e) {
      if (!converted) {
        throw e;
      }
      // a module or constant f closes over is still FLOAT32: say where the FLOAT64 came from
      throw new IllegalArgumentException("gradCheck: f failed on the FLOAT64 copies of its "
          + "inputs (gradCheck converts them); build the layers and constants f uses in FLOAT64: "
          + e.getMessage(), e);
    }
    Tensor weights = probe.size() == 1 ? null
        : Tensor.uniform(new Random(42), 0.5, 1.5, DType.FLOAT64, probe.shape().dims())
            .to(probe.backend());
    Function<List<Tensor>, Tensor> scalarF = weights == null ? f
        : in -> f.apply(in).mul(weights).sum();
    Tensor value = scalarF.apply(leaves);
    Set<Tensor> reached = Collections.newSetFromMap(new IdentityHashMap<>());
    reached.addAll(Backprop.topologicalOrder(value));
    value.backward();
    List<Tensor> numeric = numericalGradient(scalarF, leaves);
    Result worst = new Result(0, -1, -1, 0, 0, tolerance);
    for (int i = 0; i < leaves.size(); i++) {
      Tensor g = leaves.get(i).grad();
      if (g == null && !reached.contains(leaves.get(i))) { // 0 = 0 would pass, checking nothing
        throw new IllegalArgumentException("gradCheck: f does not compute from input " + i + " ("
            + inputs.get(i).spec() + "); gradCheck differentiates FLOAT64 copies of the inputs "
            + "it is given, so f must use the list it receives (a module's own parameters: "
            + "gradCheckParameters)");
      }
      // null where the rules give none (a max-pool gradient's, flat in x)
      double[] a = g == null ? new double[(int) leaves.get(i).size()] : g.toDoubleArray();
      double[] n = numeric.get(i).toDoubleArray();
      for (int e = 0; e < a.length; e++) {
        worst = worse(worst, i, e, a[e], n[e], tolerance);
      }
    }
    return worst;
  }
}
