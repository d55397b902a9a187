package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.List;

/**
 * An op's definition: its qualified name ({@code namespace::op}), how many tensor inputs it takes,
 * its shape and dtype rule, and whether gradients flow through it. Kernels and the gradient rule
 * are registered separately under the same name.
 *
 * <pre>{@code
 * OpDef swish = OpDef.builder("acme::swish").arity(1)
 *     .shapeRule((in, attrs) -> in.get(0))
 *     .build();
 * }</pre>
 */
public final class OpDef {
  /** Arity of ops that take any number (at least one) of inputs, like concatenation. */
  public static final int VARIADIC = -1;

  private final String name;
  private final int arity;
  private final ShapeRule shapeRule;
  private final boolean differentiable;
  private final int[] gradientReadsInputs; // null: all of them
  private final boolean gradientReadsOutput;

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
  }

  public static Builder builder(String qualifiedName) {
    return new Builder(qualifiedName);
  }

  public String name() {
    return name;
  }

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
    return gradientReadsInputs == null || Arrays.stream(gradientReadsInputs).anyMatch(j -> j == i);
  }

  /** Whether the gradient rule reads the output's values; true unless declared otherwise. */
  public boolean gradientReadsOutput() {
    return gradientReadsOutput;
  }

  /** Checks the arity and applies the shape rule. */
  public TensorSpec infer(List<TensorSpec> inputs, Attrs attrs) {
    if (arity == VARIADIC) {
      checkArgument(!inputs.isEmpty(), "%s needs at least one input", name);
    } else {
      checkArgument(inputs.size() == arity, "%s takes %s input(s), got %s: %s", name, arity,
          inputs.size(), inputs);
    }
    return shapeRule.infer(inputs, attrs);
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

    private Builder(String name) {
      checkArgument(name != null && name.matches("[A-Za-z0-9_.]+::[A-Za-z0-9_.]+"),
          "op name '%s' must be qualified as namespace::op (letters, digits, '_' and '.')", name);
      this.name = name;
    }

    public Builder arity(int arity) {
      checkArgument(arity == VARIADIC || arity >= 0, "arity of %s must be >= 0 or VARIADIC", name);
      this.arity = arity;
      return this;
    }

    public Builder shapeRule(ShapeRule rule) {
      this.shapeRule = rule;
      return this;
    }

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

    public OpDef build() {
      return new OpDef(this);
    }
  }
}
