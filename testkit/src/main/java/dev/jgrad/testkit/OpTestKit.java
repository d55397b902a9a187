package dev.jgrad.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.GpuRequirement;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.GradCheck;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Predicate;

/**
 * Tells a plugin author whether a registered op is right before they publish it. Checks, on
 * random inputs of several shapes:
 * <ol>
 *   <li>gradients: autograd against central differences in FLOAT64 ({@link GradCheck});
 *   <li>forward: each dtype's result, on the CPU and every other available backend, against a
 *       FLOAT64 reference computed on the CPU from the same inputs rounded to that dtype;
 *   <li>backends: every other available backend's result against the CPU's, FLOAT32 and FLOAT64;
 *   <li>shape errors: bad input (wrong arity, bad shapes the author lists) is an
 *       {@link IllegalArgumentException} that names the op;
 *   <li>derived shapes: for each valid call of two or more float inputs, each dimension of each
 *       input changed alone (one more; 1 where it was above 1) must be rejected the same way,
 *       unless declared valid ({@link #broadcasts}, {@link #alsoValidShapes},
 *       {@link #alsoValidWhere}): a shape rule that reads input 0 alone passes garbage on;
 *   <li>declared valid shapes: the sets given to {@link #alsoValidShapes} and the derived sets
 *       the declarations take get the gradient, forward and backend checks of the valid sets,
 *       named with "(declared valid)", so a wrong broadcasting path fails;
 *   <li>PTX arguments: each PTX kernel's {@code args(...)} for the kit's calls (its shapes and
 *       attributes) against its entry points' parameters, on any machine;
 *   <li>no-grad: inside {@link NoGrad#scope()} the op records nothing;
 *   <li>independent reference, when given ({@link #reference}): the FLOAT64 result against the
 *       author's formula, elementwise, as PyTorch's OpInfo {@code ref=}; without one the FLOAT64
 *       kernel is its own reference, and a formula wrong alike in both dtypes passes.
 * </ol>
 * Checks that cannot run here (no GPU) are reported as skipped, never as passed; where the run
 * requires a GPU ({@link GpuRequirement}, set on GPU machines) they fail instead.
 *
 * <pre>{@code
 * @Test
 * void swishIsRight() {
 *   OpTestKit.forOp("swish::swish").attrs(Attrs.of("beta", 1.5))
 *       .shapes(new int[] {7}, new int[] {3, 4}, new int[] {2, 3, 5})
 *       .inputRange(-4, 4)                    // unary: only the arity check rejects input
 *       .run().assertPassed();
 * }
 * }</pre>
 */
public final class OpTestKit {
  private final String op;
  private Attrs attrs = Attrs.empty();
  private final List<int[][]> shapeSets = new ArrayList<>();
  private final List<int[][]> badShapeSets = new ArrayList<>();
  private final DerivedShapes derivedShapes = new DerivedShapes();
  private double low = -2;
  private double high = 2;
  private double gradTolerance = GradCheck.TOLERANCE;
  private double float32Tolerance = 1e-5;
  private long seed = 1234;
  private DoubleUnaryOperator reference;
  private double referenceTolerance;

  private OpTestKit(String op) {
    this.op = op;
  }

  /** A kit for the registered op {@code qualifiedName}. */
  public static OpTestKit forOp(String qualifiedName) {
    return new OpTestKit(qualifiedName);
  }

  /** The attributes each call of the op gets (default none). */
  public OpTestKit attrs(Attrs attrs) {
    this.attrs = attrs;
    return this;
  }

  /**
   * One input shape per call of a unary op: {@code shapes(new int[] {3}, new int[] {2, 4})}. For
   * ops with several inputs use {@link #inputShapes}.
   */
  public OpTestKit shapes(int[]... shapesOfTheOnlyInput) {
    for (int[] s : shapesOfTheOnlyInput) {
      shapeSets.add(new int[][] {s});
    }
    return this;
  }

  /** The shapes of all inputs for one call; add several calls to cover broadcasting. */
  public OpTestKit inputShapes(int[]... shapesOfEachInput) {
    shapeSets.add(shapesOfEachInput);
    return this;
  }

  /** Input shapes the op must reject with an IllegalArgumentException naming it. */
  public OpTestKit badInputShapes(int[]... shapesOfEachInput) {
    badShapeSets.add(shapesOfEachInput);
    return this;
  }

  /**
   * The op broadcasts its inputs by NumPy's rules (as {@code jgrad::add}): derived shape sets
   * that broadcast together are meant to be taken, so they are not expected to be rejected, and
   * their gradients and values are checked as the valid sets' are.
   */
  public OpTestKit broadcasts() {
    derivedShapes.broadcasts();
    return this;
  }

  /**
   * Further input shapes the op is meant to take: a derived set (one dimension of one input
   * changed from a valid set) the shape rule accepts fails the kit unless declared here, with
   * {@link #broadcasts} or with {@link #alsoValidWhere}. Each set given here, and each derived
   * set declared valid, gets the checks of the valid sets, named "(declared valid)"; keep them
   * small, as a gradient check costs two calls per input element.
   */
  public OpTestKit alsoValidShapes(int[]... shapesOfEachInput) {
    derivedShapes.alsoValid(shapesOfEachInput);
    return this;
  }

  /**
   * The derived shape sets the op is meant to take, as a rule over the shapes of each input: for
   * a matrix product {@code alsoValidWhere(s -> s[0][1] == s[1][0])}. Those it takes are checked
   * as the valid sets are.
   */
  public OpTestKit alsoValidWhere(Predicate<int[][]> meantToTake) {
    derivedShapes.alsoValidWhere(meantToTake);
    return this;
  }

  /** Inputs are drawn uniformly from [low, high]; keep them off kinks and poles. */
  public OpTestKit inputRange(double low, double high) {
    checkArgument(low < high, "inputRange: low %s must be below high %s", low, high);
    this.low = low;
    this.high = high;
    return this;
  }

  /**
   * Largest relative error allowed between autograd and central differences (default 1e-4,
   * {@code GradCheck.TOLERANCE}).
   */
  public OpTestKit gradTolerance(double tolerance) {
    this.gradTolerance = tolerance;
    return this;
  }

  /**
   * Tolerance for FLOAT32 results (default 1e-5): relative between two backends, and relative to
   * {@code 1 + |expected|} against the FLOAT64 reference.
   */
  public OpTestKit float32Tolerance(double tolerance) {
    this.float32Tolerance = tolerance;
    return this;
  }

  /**
   * An independent reference for a unary elementwise op, written from its formula, not from its
   * kernels: each FLOAT64 result on the CPU must be {@code f(x)} of its input element within
   * {@code 1e-12} relative to {@code 1 + |f(x)|} (as {@code OpInfo}'s {@code ref=} in PyTorch).
   * {@code reference(x -> Math.log1p(Math.exp(x)))} catches a softplus whose kernels are wrong
   * the same way in both dtypes, which the FLOAT64-as-reference check cannot.
   */
  public OpTestKit reference(DoubleUnaryOperator f) {
    return reference(f, 1e-12);
  }

  /** {@link #reference(DoubleUnaryOperator)} within {@code tolerance} (a looser formula's). */
  public OpTestKit reference(DoubleUnaryOperator f, double tolerance) {
    checkArgument(f != null, "reference: the function is null; pass x -> its value at x");
    checkArgument(tolerance >= 0 && Double.isFinite(tolerance),
        "reference: tolerance %s must be finite and not negative", tolerance);
    this.reference = f;
    this.referenceTolerance = tolerance;
    return this;
  }

  /** Seed of the random inputs (default 1234), so a failure reproduces. */
  public OpTestKit seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Runs every check and reports; call {@link OpTestReport#assertPassed()} in a test. */
  public OpTestReport run() {
    List<CheckResult> results = new ArrayList<>();
    OpDef def;
    try {
      def = OpRegistry.global().definition(op);
    } catch (IllegalArgumentException e) {
      results.add(CheckResult.failed("registered", e.getMessage()));
      return new OpTestReport(op, results);
    }
    String provider = OpRegistry.global().providerOf(op);
    results.add(CheckResult.passed("registered", "by " + provider
        + "; kernels for " + OpRegistry.global().backendsWithKernel(op)));
    List<OpRegistry.Stray> strays = OpRegistry.global().strays().stream()
        .filter(s -> s.provider().equals(provider)).toList();
    if (!strays.isEmpty()) { // a kernel meant for this op, say, but not under its name
      results.add(CheckResult.failed("names", provider + " registered under op names no"
          + " provider defines (a misspelt op name?): " + strays));
    }
    List<int[][]> sets = shapeSets.isEmpty() ? defaultShapes(def) : shapeSets;
    Random random = new Random(seed);
    for (int[][] shapes : sets) {
      String where = describe(shapes);
      results.addAll(valueChecks(def, random, shapes, where));
      results.add(noGradCheck(random, shapes, where, def.differentiable()));
    }
    results.add(arityCheck(def, sets.get(0)));
    for (int[][] bad : badShapeSets) {
      results.add(badShapeCheck(random, bad));
    }
    for (int[][] derived : derivedShapes.from(sets, def)) {
      results.add(derivedShapeCheck(def, random, derived));
    }
    // Declaring a set valid spares it the rejection check; its values are then checked instead,
    // or a wrong broadcasting or product path would pass the kit unseen.
    List<int[][]> declared = derivedShapes.declaredValid(sets, def);
    for (int[][] shapes : declared) {
      results.addAll(valueChecks(def, random, shapes, describe(shapes) + " (declared valid)"));
    }
    List<int[][]> called = new ArrayList<>(sets);
    called.addAll(declared);
    results.addAll(ptxArgumentChecks(def, called));
    return new OpTestReport(op, results);
  }

  /** Gradients in FLOAT64, each dtype against the FLOAT64 reference, backends against the CPU. */
  private List<CheckResult> valueChecks(OpDef def, Random random, int[][] shapes, String where) {
    List<CheckResult> out = new ArrayList<>();
    if (def.differentiable()) {
      out.add(gradientCheck(random, shapes, where));
    }
    out.addAll(referenceChecks(random, shapes, where));
    if (reference != null) {
      out.add(independentReferenceCheck(random, shapes, where));
    }
    out.addAll(backendChecks(random, shapes, where));
    return out;
  }

  /** The FLOAT64 result on the CPU against the author's {@link #reference} of each element. */
  private CheckResult independentReferenceCheck(Random random, int[][] shapes, String where) {
    String name = "forward FLOAT64 vs reference(f) " + where;
    if (shapes.length != 1) {
      return CheckResult.failed(name, "reference(double -> double) is for unary elementwise ops;"
          + " this call has " + shapes.length + " inputs");
    }
    try {
      List<Tensor> inputs = randomInputs(random, shapes, DType.FLOAT64, Backends.byName("cpu"));
      double[] x = inputs.get(0).toDoubleArray();
      double[] actual = call(inputs).toDoubleArray();
      if (actual.length != x.length) {
        return CheckResult.failed(name, "the op gives " + actual.length + " values for "
            + x.length + " inputs; reference(double -> double) is for elementwise ops");
      }
      double[] expected = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        expected[i] = reference.applyAsDouble(x[i]);
      }
      return compareToReference(name, expected, actual, referenceTolerance);
    } catch (RuntimeException e) {
      return CheckResult.failed(name, "threw " + e);
    }
  }

  private List<int[][]> defaultShapes(OpDef def) {
    int arity = def.arity() == OpDef.VARIADIC ? 2 : def.arity();
    List<int[][]> sets = new ArrayList<>();
    for (int[] s : new int[][] {{7}, {3, 4}, {2, 3, 5}}) {
      int[][] all = new int[arity][];
      Arrays.fill(all, s);
      sets.add(all);
    }
    return sets;
  }

  private CheckResult gradientCheck(Random random, int[][] shapes, String where) {
    String name = "gradient " + where;
    try {
      List<Tensor> inputs = randomInputs(random, shapes, DType.FLOAT64, Backends.current());
      GradCheck.Result r = GradCheck.gradCheck(in -> call(in), inputs, gradTolerance);
      return r.passed() ? CheckResult.passed(name, r.toString())
          : CheckResult.failed(name, r.toString());
    } catch (RuntimeException e) {
      return CheckResult.failed(name, "threw " + e);
    }
  }

  /**
   * Each dtype's forward result against FLOAT64 on the CPU from the same inputs rounded to that
   * dtype: comparing backends alone passes a FLOAT32 kernel that is wrong everywhere, and the
   * gradient check runs in FLOAT64 only.
   */
  private List<CheckResult> referenceChecks(Random random, int[][] shapes, String where) {
    List<CheckResult> out = new ArrayList<>();
    Backend cpu = Backends.byName("cpu");
    List<Backend> backends = new ArrayList<>();
    backends.add(cpu);
    backends.addAll(otherBackends(new ArrayList<>()));
    for (DType dtype : Values.FLOATS) {
      List<Tensor> inputs;
      double[] reference;
      try {
        inputs = randomInputs(random, shapes, dtype, cpu);
        List<Tensor> widened = new ArrayList<>();
        inputs.forEach(t -> widened.add(t.to(DType.FLOAT64)));
        reference = call(widened).toDoubleArray();
      } catch (RuntimeException e) {
        out.add(CheckResult.failed("forward FLOAT64 reference"
            + (dtype == DType.FLOAT64 ? " " : " of " + dtype + " inputs ") + where, "threw " + e));
        continue;
      }
      for (Backend b : backends) {
        String name = "forward " + (b == cpu ? "" : b.name() + " ") + dtype
            + " vs FLOAT64 reference " + where;
        if (b == cpu && dtype == DType.FLOAT64) {
          out.add(CheckResult.passed(name, "is the reference"));
          continue;
        }
        try {
          double[] actual = call(moved(inputs, b)).toDoubleArray();
          out.add(compareToReference(name, reference, actual, tolerance(dtype)));
        } catch (RuntimeException e) {
          out.add(CheckResult.failed(name, "threw " + e));
        }
      }
    }
    return out;
  }

  /** Every available backend but the CPU; the others are described in {@code unavailable}. */
  private static List<Backend> otherBackends(List<String> unavailable) {
    List<Backend> others = new ArrayList<>();
    for (Backends.Found f : Backends.discover()) {
      if (f.provider().name().equals("cpu")) {
        continue;
      }
      if (f.availability().isAvailable()) {
        others.add(Backends.byName(f.provider().name()));
      } else {
        unavailable.add(f.provider().name() + " (" + f.availability().reason() + ")");
      }
    }
    return others;
  }

  /** Fails on the worst element where {@code |actual - expected| > tol * (1 + |expected|)}. */
  private static CheckResult compareToReference(String name, double[] expected, double[] actual,
      double tol) {
    if (expected.length != actual.length) {
      return CheckResult.failed(name,
          "lengths differ: " + expected.length + " vs " + actual.length);
    }
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      // Equal values (infinities included) and NaN where the reference is NaN agree.
      if (expected[i] == actual[i] || Double.isNaN(expected[i]) && Double.isNaN(actual[i])) {
        continue;
      }
      double err = Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i]));
      if (Double.isNaN(err) || err > worst) {
        worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
        at = i;
      }
    }
    String detail = String.format("worst error %.3g relative to 1 + |reference| (tolerance %.1g)%s",
        worst, tol, at < 0 ? "" : " at element " + at + ": reference " + expected[at] + " vs "
            + actual[at]);
    return worst <= tol ? CheckResult.passed(name, detail) : CheckResult.failed(name, detail);
  }

  private List<CheckResult> backendChecks(Random random, int[][] shapes, String where) {
    List<CheckResult> out = new ArrayList<>();
    Backend cpu = Backends.byName("cpu");
    List<String> unavailable = new ArrayList<>();
    List<Backend> others = otherBackends(unavailable);
    if (others.isEmpty()) {
      String why = "no backend besides the CPU is available"
          + (unavailable.isEmpty() ? "" : ": " + unavailable) + absentBackends();
      // On the GPU machine a skipped backend check would let a broken kernel pass unseen.
      out.add(GpuRequirement.isRequired()
          ? CheckResult.failed("backends " + where, why + ", and this run requires a GPU (-D"
              + GpuRequirement.PROPERTY + "=true)")
          : CheckResult.skipped("backends " + where, why));
      return out;
    }
    for (Backend other : others) {
      for (DType dtype : Values.FLOATS) {
        String name = "backend " + other.name() + " vs cpu " + dtype + " " + where;
        try {
          List<Tensor> onCpu = randomInputs(random, shapes, dtype, cpu);
          double[] expected = call(onCpu).toDoubleArray();
          double[] actual = call(moved(onCpu, other)).toDoubleArray();
          out.add(compare(name, expected, actual, tolerance(dtype)));
        } catch (RuntimeException e) {
          out.add(CheckResult.failed(name, "threw " + e));
        }
      }
    }
    return out;
  }

  /**
   * The op's kernels for backends whose jar is not on the test class path at all: without it
   * even a GPU machine skips them, as "no GPU" would.
   */
  private String absentBackends() {
    List<String> found = new ArrayList<>();
    Backends.discover().forEach(f -> found.add(f.provider().name()));
    List<String> absent = OpRegistry.global().backendsWithKernel(op).stream()
        .filter(b -> !b.equals("cpu") && !b.equals(OpRegistry.ANY_BACKEND) && !found.contains(b))
        .toList();
    return absent.isEmpty() ? "" : "; the op's kernels for " + absent + " are never run: no"
        + " backend of that name is on the class path (add its jar in test scope, for cuda"
        + " dev.jgrad:jgrad-cuda-backend)";
  }

  private double tolerance(DType dtype) {
    return dtype == DType.FLOAT32 ? float32Tolerance : 1e-12;
  }

  private static List<Tensor> moved(List<Tensor> inputs, Backend target) {
    List<Tensor> out = new ArrayList<>();
    inputs.forEach(t -> out.add(t.to(target)));
    return out;
  }

  private static CheckResult compare(String name, double[] expected, double[] actual, double tol) {
    if (expected.length != actual.length) {
      return CheckResult.failed(name, "lengths differ: " + expected.length + " vs " + actual.length);
    }
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      double rel = Math.abs(expected[i] - actual[i]) / Math.max(1e-6, Math.abs(expected[i]));
      if (rel > worst || Double.isNaN(actual[i])) {
        worst = Double.isNaN(actual[i]) ? Double.POSITIVE_INFINITY : rel;
        at = i;
      }
    }
    String detail = String.format("worst relative difference %.3g (tolerance %.1g)%s", worst, tol,
        at < 0 ? "" : " at element " + at + ": cpu " + expected[at] + " vs " + actual[at]);
    return worst <= tol ? CheckResult.passed(name, detail) : CheckResult.failed(name, detail);
  }

  private CheckResult noGradCheck(Random random, int[][] shapes, String where,
      boolean differentiable) {
    String name = "no-grad " + where;
    try {
      List<Tensor> inputs = randomInputs(random, shapes, DType.FLOAT64, Backends.current());
      inputs.forEach(t -> t.requiresGrad(true));
      Tensor quiet;
      try (NoGrad ignored = NoGrad.scope()) {
        quiet = call(inputs);
      }
      if (quiet.requiresGrad() || !quiet.isLeaf()) {
        return CheckResult.failed(name, "the op recorded a graph node inside NoGrad.scope()");
      }
      Tensor recorded = call(inputs);
      if (!recorded.dtype().isFloatingPoint()) { // as in PyTorch, integer results carry no graph
        return recorded.requiresGrad()
            ? CheckResult.failed(name, "its " + recorded.dtype() + " result requires grad")
            : CheckResult.passed(name, "records nothing: its result is " + recorded.dtype()
                + ", which carries no gradient");
      }
      if (differentiable && (!recorded.requiresGrad() || recorded.isLeaf())) {
        return CheckResult.failed(name, "the op recorded nothing outside NoGrad.scope()");
      }
      return CheckResult.passed(name, "records only when gradients are on");
    } catch (RuntimeException e) {
      return CheckResult.failed(name, "threw " + e);
    }
  }

  private CheckResult arityCheck(OpDef def, int[][] goodShapes) {
    String name = "arity";
    if (def.arity() == OpDef.VARIADIC) {
      return CheckResult.skipped(name, "variadic op: every input count is valid");
    }
    int[][] tooMany = Arrays.copyOf(goodShapes, goodShapes.length + 1);
    tooMany[goodShapes.length] = goodShapes[0];
    return expectRejection(name, new Random(seed), tooMany);
  }

  private CheckResult badShapeCheck(Random random, int[][] shapes) {
    return expectRejection("rejects " + describe(shapes), random, shapes);
  }

  /**
   * A derived set the shape rule takes is reported before any kernel runs on it (the kernel of a
   * lax rule reads past an input); one it rejects must be rejected as listed bad shapes are.
   */
  private CheckResult derivedShapeCheck(OpDef def, Random random, int[][] shapes) {
    String name = "rejects derived " + describe(shapes);
    List<TensorSpec> specs = new ArrayList<>();
    for (int[] s : shapes) {
      specs.add(new TensorSpec(Shape.of(s), DType.FLOAT64));
    }
    try {
      def.infer(specs, attrs);
    } catch (RuntimeException rejected) {
      return expectRejection(name, random, shapes);
    }
    return CheckResult.failed(name, "shape rule accepted " + DerivedShapes.listed(shapes)
        + "; reject shapes the kernel cannot take in the shape rule (an IllegalArgumentException"
        + " naming " + op + " and the shapes), or declare them valid with"
        + " OpTestKit.alsoValidShapes(...) or alsoValidWhere(...), or broadcasts() for an op"
        + " that broadcasts");
  }

  /**
   * Each PTX kernel's arguments for the kit's real calls against its entry points' parameters:
   * registration checks them with a stand-in call only, and skips those whose {@code args}
   * need what it lacks (attributes), leaving a mismatch to show on a GPU as garbage or a fault.
   */
  private List<CheckResult> ptxArgumentChecks(OpDef def, List<int[][]> sets) {
    List<CheckResult> out = new ArrayList<>();
    for (String backend : OpRegistry.global().backendsWithKernel(op)) {
      if (!(OpRegistry.global().findKernel(op, backend).orElse(null) instanceof PtxKernel ptx)) {
        continue;
      }
      for (int[][] shapes : sets) {
        String name = "PTX arguments " + backend + " " + describe(shapes);
        List<Shape> inputShapes = new ArrayList<>();
        for (int[] s : shapes) {
          inputShapes.add(Shape.of(s));
        }
        try {
          ptx.checkArguments(def, inputShapes, attrs);
          out.add(CheckResult.passed(name, "args(...) fit the parameters of every entry point"));
        } catch (IllegalArgumentException e) {
          out.add(CheckResult.failed(name, e.getMessage()));
        } catch (RuntimeException e) {
          out.add(CheckResult.failed(name, "args(...) threw " + e + " for this call"));
        }
      }
    }
    return out;
  }

  private CheckResult expectRejection(String name, Random random, int[][] shapes) {
    List<Tensor> inputs = randomInputs(random, shapes, DType.FLOAT64, Backends.current());
    try {
      Tensor t = call(inputs);
      return CheckResult.failed(name, "accepted the input and returned " + t.spec());
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      return msg.contains(op) ? CheckResult.passed(name, msg)
          : CheckResult.failed(name, "the error does not name the op " + op + ": " + msg);
    } catch (RuntimeException e) {
      return CheckResult.failed(name, "expected IllegalArgumentException naming " + op
          + ", got " + e);
    }
  }

  private Tensor call(List<Tensor> inputs) {
    return Ops.call(op, attrs, inputs);
  }

  private List<Tensor> randomInputs(Random random, int[][] shapes, DType dtype, Backend backend) {
    List<Tensor> inputs = new ArrayList<>();
    for (int[] s : shapes) {
      inputs.add(Tensor.uniform(random, low, high, dtype, s).to(backend));
    }
    return inputs;
  }

  private static String describe(int[][] shapes) {
    StringBuilder sb = new StringBuilder();
    for (int[] s : shapes) {
      sb.append(sb.length() == 0 ? "" : " x ").append(Arrays.toString(s));
    }
    return sb.toString();
  }
}
