package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Runs one fuzz case from its seed: draws the case and its inputs (views of random kinds), runs
 * the op, compares the result with the reference, back-propagates a random weighting of the
 * output and compares every gradient; then runs it all again from the same seed and requires
 * the same bits.
 */
final class Harness {
  private Harness() {}

  /** Draws a case of {@code family} for {@code dtype} from a seeded random. */
  @FunctionalInterface
  interface Generator extends BiFunction<Random, DType, FuzzCase> {}

  /**
   * Checks the case {@code gen} draws from {@code seed} against the reference, then runs it
   * again (without the reference) for the same bits.
   */
  static void check(String family, Generator gen, DType dtype, long seed) {
    List<double[]> first = run(family, gen, dtype, seed, true);
    if (first.isEmpty()) { // refused, as it had to be
      return;
    }
    List<double[]> again = run(family, gen, dtype, seed, false);
    for (int i = 0; i < first.size(); i++) {
      if (!Arrays.equals(first.get(i), again.get(i))) {
        throw new AssertionError(family + " seed " + seed + " " + dtype + ": the same case run "
            + "twice gave other bits in " + (i == 0 ? "the output" : "gradient " + i) + " ("
            + gen.apply(random(seed), dtype).describe() + ")");
      }
    }
  }

  /**
   * The random a case is drawn from. The seed is mixed first: java.util.Random's first draws from
   * consecutive seeds are nearly the same (a case's first choice, its op, would be too).
   */
  static Random random(long seed) {
    return new Random(new SplittableRandom(seed).nextLong());
  }

  /**
   * Runs the case once: the output's and the gradients' values, compared with the reference
   * when {@code compare} (empty when the op refused its inputs, as it had to).
   */
  private static List<double[]> run(String family, Generator gen, DType dtype, long seed,
      boolean compare) {
    Random r = random(seed);
    FuzzCase c = gen.apply(r, dtype);
    List<InputSpec> specs = c.inputs();
    boolean[] wantGrad = chooseGradients(r, specs);
    List<FuzzInput> inputs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      try { // the views are the API under test too
        inputs.add(FuzzInput.draw(r, specs.get(i), dtype, wantGrad[i],
            specs.get(i).views() ? 3 : 0));
      } catch (RuntimeException e) {
        throw new AssertionError("making input " + specs.get(i) + " threw " + e + "\n  case: "
            + family + " " + c.describe() + ", " + dtype + ", seed " + seed, e);
      }
    }
    StringBuilder context = new StringBuilder("  case: " + family + " " + c.describe() + ", "
        + dtype + ", seed " + seed);
    for (FuzzInput in : inputs) {
      context.append("\n  ").append(in.describe());
    }
    Supplier<String> ctx = context::toString;
    for (FuzzInput in : inputs) {
      checkItem(r, in, ctx);
    }
    List<Tensor> tensors = inputs.stream().map(FuzzInput::tensor).toList();
    List<Nd> values = inputs.stream().map(FuzzInput::values).toList();

    Expect want = compare ? c.reference().apply(values) : null;
    if (want != null && want.refusal() != null) {
      checkRefused(c, tensors, want.refusal(), ctx);
      return List.of();
    }
    Tensor out;
    try {
      out = c.run().apply(tensors);
    } catch (RuntimeException e) {
      throw new AssertionError("forward threw " + e + "\n" + ctx.get(), e);
    }
    DType outType = want == null ? out.dtype() : want.dtype() != null ? want.dtype() : dtype;
    if (want != null && (out.dtype() != outType
        || !Arrays.equals(out.shape().dims(), want.value().shape))) {
      throw new AssertionError("forward gave " + out.spec() + ", want " + outType
          + Arrays.toString(want.value().shape) + "\n" + ctx.get());
    }
    List<double[]> bits = new ArrayList<>();
    double[] got = read(out);
    bits.add(got);
    if (want != null) {
      Check.close("forward", got, want.value(), want.mag(), want.length(), outType, ctx);
    }

    boolean anyGrad = inputs.stream().anyMatch(in -> in.leaf() != null);
    if (!anyGrad) {
      return bits;
    }
    InputSpec wSpec = InputSpec.constant("w", Dist.NORMAL, out.shape().dims());
    FuzzInput w = FuzzInput.draw(r, wSpec, outType, false, 1);
    // sum() refuses an empty tensor (a reduction over nothing): then the gradient is given
    boolean weightedSum = r.nextBoolean() && out.size() > 0;
    context.append("\n  backward of ").append(weightedSum ? "out.mul(w).sum()" : "out with "
        + "gradient w").append(", ").append(w.describe());
    boolean twice = r.nextInt(6) == 0; // the graph retained, and back-propagated again
    if (twice) {
      context.append(", twice (retaining the graph)");
    }
    try {
      Tensor root = weightedSum ? out.mul(w.tensor()).sum() : out;
      Tensor given = weightedSum ? null : w.tensor();
      for (int pass = twice ? 2 : 1; pass > 0; pass--) {
        if (given == null) {
          root.backward(pass > 1);
        } else {
          root.backward(given, pass > 1);
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError("backward threw " + e + "\n" + ctx.get(), e);
    }
    List<Expect.Grad> grads = want == null ? null : want.backward().apply(w.values());
    for (int i = 0; i < inputs.size(); i++) {
      FuzzInput in = inputs.get(i);
      if (in.leaf() == null) {
        continue;
      }
      Tensor g = in.leaf().grad();
      if (g == null) {
        throw new AssertionError("no gradient reached " + in.spec().role() + "\n" + ctx.get());
      }
      double[] gv = g.toDoubleArray();
      bits.add(gv);
      if (grads == null) {
        continue;
      }
      Expect.Grad ref = grads.get(i);
      if (twice) { // the second pass adds the same gradient again
        ref = new Expect.Grad(RefMath.map(ref.value(), v -> 2 * v),
            RefMath.map(ref.mag(), v -> 2 * v));
      }
      Check.close("gradient of " + in.spec().role(), gv, in.gradOnLeaf(ref.value()),
          in.gradOnLeaf(ref.mag()), want.length(), in.dtype(), ctx);
    }
    return bits;
  }

  /**
   * Reads one element of a float input through {@code item(index)} (the view's own offset and
   * strides, negative indices from the end) and requires its exact value.
   */
  private static void checkItem(Random r, FuzzInput in, Supplier<String> ctx) {
    Nd v = in.values();
    if (in.spec().kind() != InputSpec.Kind.DATA || v.size() == 0) {
      return;
    }
    int[] index = new int[v.rank()];
    int flat = 0;
    for (int d = 0; d < index.length; d++) {
      int i = r.nextInt(v.shape[d]);
      flat = flat * v.shape[d] + i;
      index[d] = r.nextBoolean() ? i : i - v.shape[d];
    }
    double got = in.tensor().item(index);
    if (Double.compare(got, v.v[flat]) != 0 && !(got == 0 && v.v[flat] == 0)) {
      throw new AssertionError(in.spec().role() + ".item" + Arrays.toString(index) + " gave "
          + got + ", want " + v.v[flat] + "\n" + ctx.get());
    }
  }

  /**
   * Requires the op to refuse its inputs with an IllegalArgumentException (or, for an index out
   * of range, an IndexOutOfBoundsException) of one line that mentions each of {@code mention}.
   */
  private static void checkRefused(FuzzCase c, List<Tensor> inputs, List<String> mention,
      Supplier<String> ctx) {
    Tensor out;
    try {
      out = c.run().apply(inputs);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      String m = e.getMessage();
      if (m == null || m.contains("\n")) {
        throw new AssertionError("refused with an unclear message: " + e + "\n" + ctx.get(), e);
      }
      for (String s : mention) {
        if (!m.contains(s)) {
          throw new AssertionError("refused without naming " + s + ": " + e + "\n" + ctx.get(),
              e);
        }
      }
      return;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("refused with " + e + ", not an IllegalArgumentException\n"
          + ctx.get(), e);
    }
    throw new AssertionError("accepted what it must refuse, giving " + out.spec() + "\n"
        + ctx.get());
  }

  /** Which inputs get their gradient checked: a random nonempty subset of those that have one. */
  private static boolean[] chooseGradients(Random r, List<InputSpec> specs) {
    boolean[] want = new boolean[specs.size()];
    List<Integer> able = new ArrayList<>();
    for (int i = 0; i < want.length; i++) {
      if (specs.get(i).grad()) {
        able.add(i);
        want[i] = r.nextInt(4) != 0;
      }
    }
    if (!able.isEmpty()) {
      want[able.get(r.nextInt(able.size()))] = true;
    }
    return want;
  }

  private static double[] read(Tensor t) {
    if (t.dtype() == DType.INT32) {
      return Arrays.stream(t.toIntArray()).asDoubleStream().toArray();
    }
    return t.toDoubleArray();
  }
}
