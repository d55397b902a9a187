package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.jgrad.api.op.OpNames.SUM;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.ShapeRule;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;

/** Shared helpers of the built-in op groups: registration, shape rules, gradient reduction. */
final class OpSupport {
  private OpSupport() {}

  /**
   * Registers an op's definition, its portable kernel and its gradient rule together. Every
   * built-in op declares its attributes ({@code attributes()} for none): undeclared, a misspelt
   * optional one ({@code keepdims}) would be silently ignored and its default used.
   */
  static void registerOp(OpRegistry.Registration r, OpDef def, Kernel kernel,
      GradientRule<Tensor> gradient) {
    checkArgument(def.declaredAttributes().isPresent(),
        "built-in op %s must declare its attributes with OpDef.Builder.attributes", def.name());
    r.define(def);
    r.kernel(def.name(), OpRegistry.ANY_BACKEND, kernel);
    if (gradient != null) {
      r.gradient(def.name(), gradient);
    }
  }

  /** Output like the first input (elementwise unary ops). */
  static final ShapeRule SAME = (in, attrs) -> in.get(0);

  /** Output of the broadcast of two inputs; the error names {@code op} and both shapes. */
  static ShapeRule broadcast(String op) {
    return (in, attrs) -> new TensorSpec(Shape.broadcast(in.get(0).shape(), in.get(1).shape(), op),
        in.get(0).dtype());
  }

  /** A gradient rule for ops with a single input. */
  static List<Tensor> one(Tensor g) {
    return java.util.Collections.singletonList(g);
  }

  /**
   * Sums a gradient over the axes along which an input of shape {@code target} was broadcast, so
   * the gradient gets the input's shape back.
   */
  static Tensor sumTo(Tensor g, Shape target) {
    if (g.shape().equals(target)) {
      return g;
    }
    if (g.size() == 0) { // broadcast over no elements: each sum is of nothing, which sum refuses
      return Tensor.zeros(g.dtype(), target.dims()).to(g.backend());
    }
    int lead = g.rank() - target.rank();
    int[] axes = new int[g.rank()];
    int count = 0;
    for (int i = 0; i < g.rank(); i++) {
      if (i < lead || (target.dim(i - lead) == 1 && g.shape().dim(i) != 1)) {
        axes[count++] = i;
      }
    }
    Tensor s = count == 0 ? g
        : ReductionOps.reduceOver(SUM, g, true, Arrays.copyOf(axes, count));
    return s.reshape(target.dims());
  }

  /** Sorted, distinct, non-negative axes; an error names the op and the shape. */
  static int[] normalizeAxes(String op, int[] axes, Shape shape) {
    int[] a = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      try {
        a[i] = shape.normalizeAxis(axes[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
      }
    }
    Arrays.sort(a);
    for (int i = 1; i < a.length; i++) {
      if (a[i] == a[i - 1]) {
        throw new IllegalArgumentException(op + ": axis " + a[i] + " given twice in "
            + Arrays.toString(axes) + " for shape " + shape);
      }
    }
    return a;
  }
}
