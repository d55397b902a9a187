package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An op's definition: its qualified name ({@code namespace::op}), how many tensor inputs it takes,
 * its shape and dtype rule (the output's dtype too: argmax's is INT32), whether gradients flow
 * through it, and its inputs' dtypes: index inputs must be INT32 ({@link Builder#indexInputs});
 * inputs of their own dtype are left to the shape rule ({@link Builder#ownDtypeInputs}); the
 * others share one dtype, a float one unless the op only moves data (then INT32 and UINT8 too,
 * {@link Builder#int32Data}). Kernels and the gradient rule are registered separately
 * under the same name.
 *
 * <pre>{@code
 * OpDef swish = OpDef.builder("acme::swish").arity(1)
 *     .shapeRule((in, attrs) -> in.get(0))
 *     .build();
 * }</pre>
 */
public final class OpDef {
  /**
   * UINT8 is mostly images' grey levels ({@code Dataset.ofImages} keeps them so on the CPU), and
   * a model trained on pixel values in [0, 1] silently mispredicts on levels 0-255.
   */
  private static final String GREY_LEVELS_HINT = ", which keeps the levels 0-255 (a Dataset's "
      + "images as pixel values, as the model trained on them: Dataset.modelInputs())";
  /** Arity of ops that take any number (at least one) of inputs, like concatenation. */
  public static final int VARIADIC = -1;

  private final String name;
  private final int arity;
  private final ShapeRule shapeRule;
  private final boolean differentiable;
  private final int[] gradientReadsInputs; // null: all of them
  private final boolean gradientReadsOutput;
  private final int[] indexInputs;
  private final int[] ownDtypeInputs;
  private final boolean int32Data;
  private final List<String> attributes; // null: not declared, any name is taken

  private OpDef(Builder b) {
    this.name = b.name;
    this.arity = b.arity;
    this.shapeRule = checkNotNull(b.shapeRule, "op %s needs a shapeRule", b.name);
    this.differentiable = b.differentiable;
    this.gradientReadsInputs = b.gradientReadsInputs;
    if (gradientReadsInputs != null) {
      for (int i : gradientReadsInputs) {
        checkArgument(i >= 0 && (arity == VARIADIC || i < arity),
            "%s: gradientReadsInputs names input %s, but the op takes %s input(s)", name, i,
            arity);
      }
    }
    this.gradientReadsOutput = b.gradientReadsOutput;
    this.indexInputs = b.indexInputs;
    this.ownDtypeInputs = b.ownDtypeInputs;
    for (int i : ownDtypeInputs) {
      checkArgument(arity == VARIADIC || i < arity,
          "%s: ownDtypeInputs names input %s, but the op takes %s input(s)", name, i, arity);
      checkArgument(!contains(indexInputs, i), "%s: input %s is both an index input (INT32) and"
          + " one of its own dtype; name it in one of indexInputs and ownDtypeInputs", name, i);
    }
    this.int32Data = b.int32Data;
    this.attributes = b.attributes;
  }

  /**
   * Starts a definition; the name must be {@code namespace::op} (letters, digits, '_' and '.'),
   * else an IllegalArgumentException.
   */
  public static Builder builder(String qualifiedName) {
    return new Builder(qualifiedName);
  }

  /** The qualified name, {@code namespace::op}. */
  public String name() {
    return name;
  }

  /** The number of tensor inputs, or {@link #VARIADIC}. */
  public int arity() {
    return arity;
  }

  /** False for ops whose outputs never carry gradients (step, argmax, comparisons). */
  public boolean differentiable() {
    return differentiable;
  }

  /**
   * Whether the gradient rule reads the values of input {@code i} (not just its shape), so that
   * changing it in place after the op must fail backward. True for every input unless declared.
   */
  public boolean gradientReadsInput(int i) {
    return gradientReadsInputs == null || contains(gradientReadsInputs, i);
  }

  /** Whether the gradient rule reads the output's values; true unless declared otherwise. */
  public boolean gradientReadsOutput() {
    return gradientReadsOutput;
  }

  /**
   * The attribute names the op takes, as {@link Builder#attributes} declared them; empty when
   * undeclared, and then every name is taken.
   */
  public Optional<List<String>> declaredAttributes() {
    return Optional.ofNullable(attributes);
  }

  /** Whether input {@code position} holds indices, which must be INT32. */
  public boolean isIndexInput(int position) {
    return contains(indexInputs, position);
  }

  private static boolean contains(int[] positions, int position) {
    for (int p : positions) {
      if (p == position) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the data inputs may be INT32 or UINT8 (ops that only move data: reshape, slice,
   * gather).
   */
  public boolean acceptsInt32Data() {
    return int32Data;
  }

  /** Checks the arity and the inputs' dtypes, and applies the shape rule. */
  public TensorSpec infer(List<TensorSpec> inputs, Attrs attrs) {
    if (arity == VARIADIC) {
      checkArgument(!inputs.isEmpty(), "%s needs at least one input", name);
    } else {
      checkArgument(inputs.size() == arity, "%s takes %s input(s), got %s: %s", name, arity,
          inputs.size(), inputs);
    }
    checkDtypes(inputs);
    if (attributes != null) {
      checkAttributes(attrs);
    }
    TensorSpec out;
    try {
      out = shapeRule.infer(inputs, attrs);
    } catch (IllegalArgumentException e) {
      // a plugin's rule reading its attributes (Attrs' errors name the attribute, not the op)
      if (e.getClass() != IllegalArgumentException.class || String.valueOf(e.getMessage())
          .contains(name)) {
        throw e;
      }
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    if (out == null) { // else a NullPointerException from deep in the dispatcher
      throw new IllegalStateException(name + ": its shape rule returned null for " + inputs
          + "; return the output's TensorSpec (in.get(0) for an elementwise op)");
    }
    return out;
  }

  /**
   * Only declared names: a kernel reading an optional attribute with a default
   * ({@code getDouble("beta", 1.0)}) never sees a misspelt one ("betta") and silently uses the
   * default.
   */
  private void checkAttributes(Attrs attrs) {
    for (int k = 0; k < attrs.size(); k++) {
      String given = attrs.name(k);
      checkArgument(attributes.contains(given), "%s: unknown attribute '%s'; it takes %s", name,
          given, attributes.isEmpty() ? "none" : attributes);
    }
  }

  /** Index inputs INT32; the others of one dtype, a float one unless {@link #int32Data}. */
  private void checkDtypes(List<TensorSpec> inputs) {
    TensorSpec data = null;
    // Not an indexed loop with the index lookup on every input: inlined into Ops.call, that loop
    // made C2 trap a profiled loop predicate right after compiling Ops.call (120-240 ms of one of
    // two cores, in a run's first seconds) and compile it again, often twice.
    int i = -1;
    for (TensorSpec in : inputs) {
      i++;
      if (ownDtypeInputs.length > 0 && contains(ownDtypeInputs, i)) {
        continue; // the shape rule checks it
      } else if (indexInputs.length > 0 && isIndexInput(i)) {
        checkArgument(in.dtype() == DType.INT32, "%s: input %s (indices) is %s but must be INT32;"
            + " use Tensor.indices(...) or .to(DType.INT32)", name, i, in);
      } else if (data == null) {
        data = in;
        checkArgument(int32Data || in.dtype().isFloatingPoint(), "%s: input %s is %s, which this"
            + " op cannot compute on; convert it with .to(DType.FLOAT32)%s", name, i, in,
            in.dtype() == DType.UINT8 ? GREY_LEVELS_HINT : "");
      } else {
        checkArgument(in.dtype() == data.dtype(), "%s: mixed dtypes %s and %s; convert one with"
            + " to(DType)", name, data, in);
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builder for {@link OpDef}. */
  public static final class Builder {
    private final String name;
    private int arity = 1;
    private ShapeRule shapeRule;
    private boolean differentiable = true;
    private int[] gradientReadsInputs;
    private boolean gradientReadsOutput = true;
    private int[] indexInputs = new int[0];
    private int[] ownDtypeInputs = new int[0];
    private boolean int32Data;
    private List<String> attributes;

    private Builder(String name) {
      checkArgument(name != null && name.matches("[A-Za-z0-9_.]+::[A-Za-z0-9_.]+"),
          "op name '%s' must be qualified as namespace::op (letters, digits, '_' and '.')", name);
      this.name = name;
    }

    /** The number of tensor inputs (at least 0), or {@link #VARIADIC}. */
    public Builder arity(int arity) {
      checkArgument(arity == VARIADIC || arity >= 0, "arity of %s must be >= 0 or VARIADIC", name);
      this.arity = arity;
      return this;
    }

    /** The output's shape and dtype from the inputs'; required. */
    public Builder shapeRule(ShapeRule rule) {
      this.shapeRule = rule;
      return this;
    }

    /**
     * Whether gradients flow through the op (default true); false for step functions, argmax and
     * comparisons.
     */
    public Builder differentiable(boolean differentiable) {
      this.differentiable = differentiable;
      return this;
    }

    /**
     * The inputs whose values the gradient rule reads (shapes do not count); only these (and the
     * output, see {@link #gradientReadsOutput}) make backward fail when changed in place after
     * the op, as in PyTorch's saved tensors. Undeclared, every input is checked: safe, and
     * stricter than needed. Declaring too few lets an in-place change give a wrong gradient.
     */
    public Builder gradientReadsInputs(int... inputs) {
      this.gradientReadsInputs = inputs.clone();
      return this;
    }

    /** Whether the gradient rule reads the output's values (default true). */
    public Builder gradientReadsOutput(boolean reads) {
      this.gradientReadsOutput = reads;
      return this;
    }

    /** The gradient rule reads no values at all (add, reshape, sum...): no in-place check. */
    public Builder gradientReadsNothing() {
      return gradientReadsInputs().gradientReadsOutput(false);
    }

    /** The positions of the inputs that hold indices: they must be INT32. */
    public Builder indexInputs(int... positions) {
      for (int p : positions) {
        checkArgument(p >= 0, "index input positions of %s must be >= 0, got %s", name, p);
      }
      this.indexInputs = Arrays.copyOf(positions, positions.length);
      return this;
    }

    /**
     * The positions of inputs whose dtype differs from the data's and which the shape rule checks
     * itself (dropout's FLOAT64 counter): left out of the one-dtype rule.
     */
    public Builder ownDtypeInputs(int... positions) {
      for (int p : positions) {
        checkArgument(p >= 0, "own-dtype input positions of %s must be >= 0, got %s", name, p);
      }
      this.ownDtypeInputs = Arrays.copyOf(positions, positions.length);
      return this;
    }

    /**
     * Lets the data inputs be INT32 or UINT8, for ops that only move data (reshape, slice, gather,
     * convert; the default is floats only).
     */
    public Builder int32Data(boolean allowed) {
      this.int32Data = allowed;
      return this;
    }

    /**
     * The names of the attributes the op takes; a call giving any other is then an
     * IllegalArgumentException naming it. Undeclared (the default), every name is taken and a
     * misspelt optional attribute is silently ignored.
     */
    public Builder attributes(String... names) {
      this.attributes = List.of(names);
      return this;
    }

    /** The definition; without a shape rule, a NullPointerException naming the op. */
    public OpDef build() {
      return new OpDef(this);
    }
  }
}
