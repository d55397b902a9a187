package dev.jgrad.autograd.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.jgrad.api.op.AttrKeys.AXES;
import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.AttrKeys.KEEP_DIMS;
import static dev.jgrad.api.op.OpNames.ARGMAX;
import static dev.jgrad.api.op.OpNames.MAX;
import static dev.jgrad.api.op.OpNames.MEAN;
import static dev.jgrad.api.op.OpNames.SUM;
import static dev.jgrad.autograd.ops.OpSupport.normalizeAxes;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.DType;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.ShapeRule;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;

/**
 * Reductions along axes ({@code axes} attribute, {@code keepDims} flag) and argmax. Several axes
 * are reduced one after the other with the backend's single-axis primitive.
 */
public final class ReductionOps {
  private ReductionOps() {}

  static void register(OpRegistry.Registration r) {
    // d sum = g broadcast back over the reduced axes
    registerOp(r, OpDef.builder(SUM).arity(1).attributes(AXES, KEEP_DIMS).shapeRule(reducedShape(SUM)).gradientReadsNothing()
        .build(),
        reduceKernel(SUM, ReduceOp.SUM, false),
        ctx -> one(expand(ctx.gradOutput(), ctx.input(0), ctx.attrs())));
    // d mean = g / count, broadcast back
    registerOp(r, OpDef.builder(MEAN).arity(1).attributes(AXES, KEEP_DIMS).shapeRule(reducedShape(MEAN)).gradientReadsNothing()
        .build(),
        reduceKernel(MEAN, ReduceOp.SUM, true),
        ctx -> one(expand(ctx.gradOutput(), ctx.input(0), ctx.attrs())
            .mul(1.0 * ctx.output().size() / ctx.input(0).size())));
    // d max = g where the input equals the max, shared evenly among ties
    registerOp(r, OpDef.builder(MAX).arity(1).attributes(AXES, KEEP_DIMS).shapeRule(reducedShape(MAX)).build(),
        reduceKernel(MAX, ReduceOp.MAX, false),
        ctx -> {
          Tensor x = ctx.input(0);
          int[] axes = normalizeAxes(MAX, ctx.attrs().getInts(AXES), x.shape());
          Shape kept = keptShape(x.shape(), axes);
          Tensor mask = x.eq(ctx.output().reshape(kept.dims()));
          Tensor share = ctx.gradOutput().reshape(kept.dims()).div(reduceOver(SUM, mask, true, axes));
          return one(mask.mul(share));
        });
    registerOp(r, OpDef.builder(ARGMAX).arity(1).attributes(AXIS).differentiable(false).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(ARGMAX, new int[] {attrs.getInt(AXIS)}, s)[0];
      nonEmpty(ARGMAX, s, new int[] {axis});
      return new TensorSpec(s.without(axis), DType.INT32); // indices, never rounded
    }).build(), c -> {
      Shape s = c.inputSpec(0).shape();
      int axis = s.normalizeAxis(c.attrs().getInt(AXIS));
      c.backend().reduce(ReduceOp.ARGMAX, c.input(0), s.outer(axis), s.dim(axis), s.inner(axis),
          c.output());
    }, null);
  }

  /**
   * {@code op} ({@code jgrad::sum}, {@code jgrad::mean} or {@code jgrad::max}) of {@code x} over
   * {@code axes}, where an empty list reduces nothing (the result has x's values): the path for
   * axis lists the engine computes (a gradient summed to a broadcast shape). The public
   * reductions refuse an empty list instead ({@link #requireAxes}).
   */
  public static Tensor reduceOver(String op, Tensor x, boolean keepDims, int... axes) {
    return Ops.call(op, Attrs.of(AXES, axes, KEEP_DIMS, keepDims), x);
  }

  /**
   * The axes a public reduction was given, refused when empty on a tensor of rank 1 or more:
   * the op would hand x back unreduced, where PyTorch users expect every axis reduced.
   * {@code allAxes} names the call that reduces them all, or is null where there is none.
   */
  public static int[] requireAxes(String name, Shape shape, int[] axes, String allAxes) {
    checkNotNull(axes, "%s: axes is null for shape %s; name the axes to reduce", name, shape);
    checkArgument(axes.length > 0 || shape.rank() == 0,
        "%s: no axes given for shape %s; name the axes to reduce%s", name, shape,
        allAxes == null ? " (all of them to reduce every element)"
            : ", or call " + allAxes + " to reduce them all");
    return axes;
  }

  private static ShapeRule reducedShape(String op) {
    return (in, attrs) -> {
      Shape s = in.get(0).shape();
      int[] axes = normalizeAxes(op, attrs.getInts(AXES), s);
      nonEmpty(op, s, axes);
      Shape out = attrs.getBoolean(KEEP_DIMS, false) ? keptShape(s, axes) : removed(s, axes);
      return new TensorSpec(out, in.get(0).dtype());
    };
  }

  /** A reduction over an axis of length 0 has nothing to reduce: say so, naming op and shape. */
  private static void nonEmpty(String op, Shape s, int[] axes) {
    for (int a : axes) {
      if (s.dim(a) == 0) {
        throw new IllegalArgumentException(op + ": axis " + a + " of shape " + s + " is empty; "
            + "a reduction needs at least one element along each axis it reduces");
      }
    }
  }

  static Shape keptShape(Shape s, int[] sortedAxes) {
    int[] d = s.dims();
    for (int a : sortedAxes) {
      d[a] = 1;
    }
    return Shape.of(d);
  }

  private static Shape removed(Shape s, int[] sortedAxes) {
    Shape out = s;
    for (int i = sortedAxes.length - 1; i >= 0; i--) {
      out = out.without(sortedAxes[i]);
    }
    return out;
  }

  private static Tensor expand(Tensor g, Tensor input, Attrs attrs) {
    int[] axes = normalizeAxes(SUM, attrs.getInts(AXES), input.shape());
    return g.reshape(keptShape(input.shape(), axes).dims()).broadcastTo(input.shape().dims());
  }

  /**
   * Reduces runs of adjacent axes from last to first, each run as one axis (a conv bias
   * gradient's {@code (0, 2, 3)} is two passes: the planes, then the batch); each step shrinks
   * its run to 1 in a temporary.
   */
  private static Kernel reduceKernel(String op, ReduceOp reduce, boolean mean) {
    return c -> {
      Backend b = c.backend();
      Shape s = c.inputSpec(0).shape();
      int[] axes = normalizeAxes(op, c.attrs().getInts(AXES), s);
      if (axes.length == 0) {
        b.copy(c.input(0), 0, c.output(), 0, s.size());
        return;
      }
      int[] dims = s.dims();
      DeviceBuffer current = c.input(0);
      for (int i = axes.length - 1; i >= 0; i--) {
        int last = axes[i];
        while (i > 0 && axes[i - 1] == axes[i] - 1) {
          i--;
        }
        int first = axes[i];
        Shape cur = Shape.of(dims);
        long run = 1;
        for (int a = first; a <= last; a++) {
          run *= dims[a];
          dims[a] = 1;
        }
        DeviceBuffer next = i == 0 ? c.output()
            : b.allocate(c.outputSpec().dtype(), cur.size() / Math.max(1, run));
        b.reduce(reduce, current, cur.outer(first), Math.toIntExact(run), cur.inner(last), next);
        if (current != c.input(0)) {
          current.close();
        }
        current = next;
      }
      if (mean) {
        b.scalar(BinaryOp.MUL, c.output(), (double) c.outputSpec().shape().size() / s.size(),
            c.output());
      }
    };
  }
}
