package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.AXES;
import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.AttrKeys.CLASSES;
import static dev.jgrad.api.op.AttrKeys.DTYPE;
import static dev.jgrad.api.op.AttrKeys.LENGTH;
import static dev.jgrad.api.op.AttrKeys.SHAPE;
import static dev.jgrad.api.op.AttrKeys.SIZE;
import static dev.jgrad.api.op.AttrKeys.START;
import static dev.jgrad.api.op.AttrKeys.STEP;
import static dev.jgrad.api.op.OpNames.BROADCAST_TO;
import static dev.jgrad.api.op.OpNames.CONCAT;
import static dev.jgrad.api.op.OpNames.CONTIGUOUS;
import static dev.jgrad.api.op.OpNames.CONVERT;
import static dev.jgrad.api.op.OpNames.INDEX_ADD;
import static dev.jgrad.api.op.OpNames.INDEX_SELECT;
import static dev.jgrad.api.op.OpNames.ONE_HOT;
import static dev.jgrad.api.op.OpNames.PERMUTE;
import static dev.jgrad.api.op.OpNames.RESHAPE;
import static dev.jgrad.api.op.OpNames.SLICE;
import static dev.jgrad.api.op.OpNames.SQUEEZE;
import static dev.jgrad.api.op.OpNames.TRANSPOSE;
import static dev.jgrad.api.op.OpNames.UNSLICE;
import static dev.jgrad.api.op.OpNames.UNSQUEEZE;
import static dev.jgrad.autograd.ops.OpSupport.normalizeAxes;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static dev.jgrad.autograd.ops.OpSupport.sumTo;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.StridedLayout;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ViewKernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Ops that move data without arithmetic. The views (transpose, permute, reshape, broadcast, slice,
 * squeeze, unsqueeze) move none: their {@link ViewKernel}s give the output's layout over the
 * input's buffer. Gather, concat and the adjoints copy.
 */
public final class ShapeOps {
  private ShapeOps() {}

  static void register(OpRegistry.Registration r) {
    // Swap the last two axes; its own inverse.
    registerOp(r, OpDef.builder(TRANSPOSE).arity(1).attributes().shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      if (s.rank() < 2) {
        throw new IllegalArgumentException(TRANSPOSE + ": needs rank >= 2, got shape " + s);
      }
      int[] d = s.dims();
      int t = d[d.length - 1];
      d[d.length - 1] = d[d.length - 2];
      d[d.length - 2] = t;
      return new TensorSpec(Shape.of(d), in.get(0).dtype());
    }).int32Data(true).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape,
        attrs) -> {
      long[] st = in.strides();
      long t = st[st.length - 1];
      st[st.length - 1] = st[st.length - 2];
      st[st.length - 2] = t;
      return StridedLayout.of(in.offset(), st);
    }, ctx -> one(ctx.gradOutput().transpose()));

    // Axis i of the output is axis axes[i] of the input (a view); gradient permuted back.
    registerOp(r, OpDef.builder(PERMUTE).arity(1).attributes(AXES).int32Data(true).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int[] axes = permutation(s, attrs.getInts(AXES));
      int[] d = new int[axes.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = s.dim(axes[i]);
      }
      return new TensorSpec(Shape.of(d), in.get(0).dtype());
    }).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape, attrs) -> {
      int[] axes = permutation(inShape, attrs.getInts(AXES));
      long[] st = new long[axes.length];
      for (int i = 0; i < st.length; i++) {
        st[i] = in.stride(axes[i]);
      }
      return StridedLayout.of(in.offset(), st);
    }, ctx -> {
      int[] axes = permutation(ctx.input(0).shape(), ctx.attrs().getInts(AXES));
      int[] inverse = new int[axes.length];
      for (int i = 0; i < axes.length; i++) {
        inverse[axes[i]] = i;
      }
      return one(ctx.gradOutput().permute(inverse));
    });

    // Drop an axis of size 1 (a view); gradient unsqueezed back.
    registerOp(r, OpDef.builder(SQUEEZE).arity(1).attributes(AXIS).int32Data(true).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(SQUEEZE, new int[] {attrs.getInt(AXIS)}, s)[0];
      if (s.dim(axis) != 1) {
        throw new IllegalArgumentException(SQUEEZE + ": axis " + attrs.getInt(AXIS) + " of shape "
            + s + " has size " + s.dim(axis) + ", not 1; only an axis of size 1 can be squeezed");
      }
      return new TensorSpec(s.without(axis), in.get(0).dtype());
    }).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape, attrs) -> {
      int axis = inShape.normalizeAxis(attrs.getInt(AXIS));
      long[] st = in.strides();
      long[] out = new long[st.length - 1];
      System.arraycopy(st, 0, out, 0, axis);
      System.arraycopy(st, axis + 1, out, axis, out.length - axis);
      return StridedLayout.of(in.offset(), out);
    }, ctx -> one(ctx.gradOutput().unsqueeze(
        ctx.input(0).shape().normalizeAxis(ctx.attrs().getInt(AXIS)))));

    // Insert an axis of size 1 (a view); gradient squeezed back.
    registerOp(r, OpDef.builder(UNSQUEEZE).arity(1).attributes(AXIS).int32Data(true).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = unsqueezeAxis(s, attrs.getInt(AXIS));
      int[] d = new int[s.rank() + 1];
      System.arraycopy(s.dims(), 0, d, 0, axis);
      d[axis] = 1;
      System.arraycopy(s.dims(), axis, d, axis + 1, s.rank() - axis);
      return new TensorSpec(Shape.of(d), in.get(0).dtype());
    }).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape, attrs) -> {
      int axis = unsqueezeAxis(inShape, attrs.getInt(AXIS));
      long[] st = in.strides();
      long[] out = new long[st.length + 1];
      System.arraycopy(st, 0, out, 0, axis);
      out[axis] = 1; // never stepped: the axis has size 1
      System.arraycopy(st, axis, out, axis + 1, st.length - axis);
      return StridedLayout.of(in.offset(), out);
    }, ctx -> one(ctx.gradOutput().squeeze(unsqueezeAxis(ctx.input(0).shape(),
        ctx.attrs().getInt(AXIS)))));

    // A dense copy of a view: the dispatcher copies what a view kernel cannot view.
    registerOp(r, OpDef.builder(CONTIGUOUS).arity(1).attributes().int32Data(true).shapeRule(OpSupport.SAME)
        .gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape, attrs) -> null,
        ctx -> one(ctx.gradOutput()));

    // Same buffer, new shape (no copy) when the input's strides allow (always for row-major
    // order), else a dense copy in the new shape; gradient reshaped back.
    registerOp(r, OpDef.builder(RESHAPE).arity(1).attributes(SHAPE).int32Data(true).shapeRule((in, attrs) ->
        new TensorSpec(inferReshape(in.get(0).shape(), attrs.getInts(SHAPE)), in.get(0).dtype()))
        .gradientReadsNothing().build(),
        (ViewKernel) (in, inShape, outShape, attrs) -> in.reshaped(inShape, outShape),
        ctx -> one(ctx.gradOutput().reshape(ctx.input(0).shape().dims())));

    // Broadcast to a shape (a view, repeated entries of stride 0); gradient summed back over the
    // broadcast axes.
    registerOp(r, OpDef.builder(BROADCAST_TO).arity(1).attributes(SHAPE).shapeRule((in, attrs) -> {
      Shape from = in.get(0).shape();
      Shape to = Shape.of(attrs.getInts(SHAPE));
      if (!Shape.broadcast(from, to, BROADCAST_TO).equals(to)) {
        throw new IllegalArgumentException(BROADCAST_TO + ": shape " + from
            + " cannot be broadcast to " + to);
      }
      return new TensorSpec(to, in.get(0).dtype());
    }).int32Data(true).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape,
        attrs) -> {
      long[] st = new long[outShape.rank()];
      int lead = outShape.rank() - inShape.rank();
      for (int i = lead; i < st.length; i++) { // new leading axes and grown ones repeat: stride 0
        boolean grown = inShape.dim(i - lead) == 1 && outShape.dim(i) != 1;
        st[i] = grown ? 0 : in.stride(i - lead);
      }
      return StridedLayout.of(in.offset(), st);
    }, ctx -> one(sumTo(ctx.gradOutput(), ctx.input(0).shape())));

    // out[.., i, ..] = x[.., idx[i], ..]; gradient scattered back with index_add.
    registerOp(r, OpDef.builder(INDEX_SELECT).arity(2).attributes(AXIS).indexInputs(1).int32Data(true)
        .shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(INDEX_SELECT, new int[] {attrs.getInt(AXIS)}, s)[0];
      return new TensorSpec(s.withDim(axis, indexCount(INDEX_SELECT, in.get(1))), in.get(0).dtype());
    }).gradientReadsInputs(1).gradientReadsOutput(false).build(), c -> {
      Shape s = c.inputSpec(0).shape();
      int axis = s.normalizeAxis(c.attrs().getInt(AXIS));
      c.backend().indexSelect(c.input(0), s.outer(axis), s.dim(axis), s.inner(axis), c.input(1),
          c.output());
    }, ctx -> {
      Tensor x = ctx.input(0);
      int axis = x.shape().normalizeAxis(ctx.attrs().getInt(AXIS));
      Tensor gx = Ops.call(INDEX_ADD, Attrs.of(AXIS, axis, SIZE, x.shape().dim(axis)),
          ctx.gradOutput(), ctx.input(1));
      return Arrays.asList(gx, null);
    });

    // The adjoint of index_select: zeros of size `size` along `axis`, slices added at indices.
    registerOp(r, OpDef.builder(INDEX_ADD).arity(2).attributes(AXIS, SIZE).indexInputs(1).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(INDEX_ADD, new int[] {attrs.getInt(AXIS)}, s)[0];
      int n = indexCount(INDEX_ADD, in.get(1));
      if (s.dim(axis) != n) {
        throw new IllegalArgumentException(INDEX_ADD + ": source " + s + " has " + s.dim(axis)
            + " slices along axis " + axis + " but there are " + n + " indices");
      }
      return new TensorSpec(s.withDim(axis, attrs.getInt(SIZE)), in.get(0).dtype());
    }).gradientReadsInputs(1).gradientReadsOutput(false).build(), c -> {
      Shape out = c.outputSpec().shape();
      int axis = c.attrs().getInt(AXIS);
      c.backend().fill(c.output(), 0);
      c.backend().indexAdd(c.input(0), c.input(1), c.output(), out.outer(axis), out.dim(axis),
          out.inner(axis));
    }, ctx -> Arrays.asList(ctx.gradOutput().indexSelect(ctx.attrs().getInt(AXIS),
        ctx.input(1)), null));

    // LENGTH entries from START, STEP apart (a view); gradient placed back in zeros.
    registerOp(r, OpDef.builder(SLICE).arity(1).attributes(AXIS, START, LENGTH, STEP).int32Data(true).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(SLICE, new int[] {attrs.getInt(AXIS)}, s)[0];
      int start = attrs.getInt(START);
      int length = attrs.getInt(LENGTH);
      int step = step(attrs);
      if (step < 1) {
        throw new IllegalArgumentException(SLICE + ": step must be >= 1, got " + step + " (axis "
            + axis + " of shape " + s + ")");
      }
      long end = length == 0 ? start : start + (length - 1L) * step + 1; // past the last taken
      if (start < 0 || length < 0 || end > s.dim(axis)) {
        throw new IllegalArgumentException(SLICE + ": range [" + start + ", " + end + ")"
            + (step > 1 ? " step " + step : "") + " is outside axis " + axis + " of size "
            + s.dim(axis) + " in shape " + s);
      }
      return new TensorSpec(s.withDim(axis, length), in.get(0).dtype());
    }).gradientReadsNothing().build(), (ViewKernel) (in, inShape, outShape, attrs) -> {
      int axis = inShape.normalizeAxis(attrs.getInt(AXIS));
      long[] st = in.strides();
      long offset = in.offset() + attrs.getInt(START) * st[axis];
      st[axis] *= step(attrs);
      return StridedLayout.of(offset, st);
    }, ctx -> {
      Tensor x = ctx.input(0);
      Tensor g = ctx.gradOutput();
      int axis = x.shape().normalizeAxis(ctx.attrs().getInt(AXIS));
      int step = step(ctx.attrs());
      int length = g.shape().dim(axis);
      if (step > 1 && length > 0) { // g's entries step apart, zeros between: [.., length, step, ..]
        g = Ops.call(UNSLICE, Attrs.of(AXIS, axis + 1, START, 0, SIZE, step), g.unsqueeze(axis + 1))
            .reshape(g.shape().withDim(axis, length * step).dims())
            .slice(axis, 0, (length - 1) * step + 1);
      }
      return one(Ops.call(UNSLICE, Attrs.of(AXIS, axis, START, ctx.attrs().getInt(START),
          SIZE, x.shape().dim(axis)), g));
    });

    // The adjoint of slice: the input placed at `start` in zeros of size `size` along `axis`.
    registerOp(r, OpDef.builder(UNSLICE).arity(1).attributes(AXIS, START, SIZE).shapeRule((in, attrs) -> new TensorSpec(
        in.get(0).shape().withDim(attrs.getInt(AXIS), attrs.getInt(SIZE)), in.get(0).dtype()))
        .gradientReadsNothing().build(), c -> {
          Shape s = c.inputSpec(0).shape();
          int axis = c.attrs().getInt(AXIS);
          c.backend().fill(c.output(), 0);
          c.backend().copyAxisRange(c.input(0), s.dim(axis), 0, c.output(),
              c.attrs().getInt(SIZE), c.attrs().getInt(START), s.outer(axis), s.dim(axis),
              s.inner(axis));
        }, ctx -> one(ctx.gradOutput().slice(ctx.attrs().getInt(AXIS),
            ctx.attrs().getInt(START), ctx.input(0).shape().dim(ctx.attrs().getInt(AXIS)))));

    registerOp(r, OpDef.builder(CONCAT).arity(OpDef.VARIADIC).attributes(AXIS).int32Data(true)
        .shapeRule((in, attrs) -> {
      Shape first = in.get(0).shape();
      int axis = normalizeAxes(CONCAT, new int[] {attrs.getInt(AXIS)}, first)[0];
      int total = 0;
      for (TensorSpec t : in) {
        Shape s = t.shape();
        if (s.rank() != first.rank() || !s.withDim(axis, 0).equals(first.withDim(axis, 0))) {
          throw new IllegalArgumentException(CONCAT + ": shapes " + first + " and " + s
              + " differ outside axis " + axis);
        }
        total += s.dim(axis);
      }
      return new TensorSpec(first.withDim(axis, total), in.get(0).dtype());
    }).gradientReadsNothing().build(), c -> {
      Shape out = c.outputSpec().shape();
      int axis = out.normalizeAxis(c.attrs().getInt(AXIS));
      int at = 0;
      for (int i = 0; i < c.inputs().size(); i++) {
        int n = c.inputSpec(i).shape().dim(axis);
        c.backend().copyAxisRange(c.input(i), n, 0, c.output(), out.dim(axis), at,
            out.outer(axis), n, out.inner(axis));
        at += n;
      }
    }, ctx -> {
      int axis = ctx.output().shape().normalizeAxis(ctx.attrs().getInt(AXIS));
      List<Tensor> grads = new ArrayList<>();
      int at = 0;
      for (int i = 0; i < ctx.inputCount(); i++) {
        int n = ctx.input(i).shape().dim(axis);
        grads.add(ctx.gradOutput().slice(axis, at, n));
        at += n;
      }
      return grads;
    });

    registerOp(r, OpDef.builder(ONE_HOT).arity(1).attributes(CLASSES, DTYPE).indexInputs(0).differentiable(false)
        .shapeRule((in, attrs) -> {
          int classes = attrs.getInt(CLASSES);
          if (classes <= 0) {
            throw new IllegalArgumentException(ONE_HOT + ": classes must be positive, got "
                + classes);
          }
          DType dtype = dtype(ONE_HOT, attrs, DType.FLOAT32);
          if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(ONE_HOT + ": the output dtype must be FLOAT32 or "
                + "FLOAT64, got " + dtype);
          }
          return new TensorSpec(Shape.of(indexCount(ONE_HOT, in.get(0)), classes), dtype);
        }).build(), c -> c.backend().oneHot(c.input(0), c.attrs().getInt(CLASSES), c.output()),
        null);

    // Any dtype to any other, as Java's casts. Between FLOAT32 and FLOAT64 a graph edge, as in
    // PyTorch (the gradient converted back); an integer result never requires grad (Ops.call).
    registerOp(r, OpDef.builder(CONVERT).arity(1).attributes(DTYPE).int32Data(true).gradientReadsNothing()
        .shapeRule((in, attrs) -> new TensorSpec(in.get(0).shape(), dtype(CONVERT, attrs, null)))
        .build(), c -> c.backend().convert(c.input(0), c.output()),
        ctx -> Collections.singletonList(ctx.gradOutput().to(ctx.input(0).dtype())));
  }

  /** A slice's {@link AttrKeys#STEP}, 1 when absent. */
  private static int step(Attrs attrs) {
    return attrs.has(STEP) ? attrs.getInt(STEP) : 1;
  }

  /**
   * {@code axes} (negative ones counting from the end) checked to list each axis of {@code shape}
   * once; an error names the op, the axes and the shape.
   */
  private static int[] permutation(Shape shape, int[] axes) {
    int rank = shape.rank();
    int[] out = new int[axes.length];
    boolean[] seen = new boolean[rank];
    boolean ok = axes.length == rank;
    for (int i = 0; ok && i < axes.length; i++) {
      out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
      ok = out[i] >= 0 && out[i] < rank && !seen[out[i]];
      if (ok) {
        seen[out[i]] = true;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(PERMUTE + ": axes " + Arrays.toString(axes)
          + " are not a permutation of the " + rank + " axes of shape " + shape
          + "; list each of 0.." + (rank - 1) + " once");
    }
    return out;
  }

  /** Where {@link OpNames#UNSQUEEZE} inserts its axis: 0 to rank, negative from the end. */
  private static int unsqueezeAxis(Shape shape, int axis) {
    int rank = shape.rank();
    if (axis < -(rank + 1) || axis > rank) {
      throw new IllegalArgumentException(UNSQUEEZE + ": axis " + axis + " is outside [" + -(rank
          + 1) + ", " + rank + "] for shape " + shape + " (the new axis goes at 0 to rank)");
    }
    return axis < 0 ? axis + rank + 1 : axis;
  }

  /** The {@link AttrKeys#DTYPE} attribute, or {@code otherwise} when absent (null: required). */
  private static DType dtype(String op, Attrs attrs, DType otherwise) {
    if (!attrs.has(DTYPE) && otherwise != null) {
      return otherwise;
    }
    String name = attrs.getString(DTYPE);
    try {
      return DType.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": unknown dtype '" + name + "'; one of "
          + Arrays.toString(DType.values()), e);
    }
  }

  private static int indexCount(String op, TensorSpec indices) {
    if (indices.shape().rank() != 1) {
      throw new IllegalArgumentException(op + ": indices must be a 1-D tensor, got shape "
          + indices.shape());
    }
    return indices.shape().dim(0);
  }

  /** The target shape with one -1 resolved; an error names both shapes when sizes differ. */
  static Shape inferReshape(Shape from, int[] dims) {
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException(RESHAPE + ": only one dimension may be -1, got "
              + Arrays.toString(dims));
        }
        unknown = i;
      } else {
        known *= dims[i];
      }
    }
    int[] out = dims.clone();
    if (unknown >= 0) {
      if (known == 0 || from.size() % known != 0) {
        throw new IllegalArgumentException(RESHAPE + ": cannot reshape " + from + " to "
            + Arrays.toString(dims));
      }
      out[unknown] = (int) (from.size() / known);
    }
    Shape to = Shape.of(out);
    if (to.size() != from.size()) {
      throw new IllegalArgumentException(RESHAPE + ": cannot reshape " + from + " ("
          + from.size() + " elements) to " + to + " (" + to.size() + " elements)");
    }
    return to;
  }
}
