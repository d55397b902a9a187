package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.AttrKeys.CLASSES;
import static dev.jgrad.api.op.AttrKeys.DTYPE;
import static dev.jgrad.api.op.AttrKeys.LENGTH;
import static dev.jgrad.api.op.AttrKeys.SHAPE;
import static dev.jgrad.api.op.AttrKeys.SIZE;
import static dev.jgrad.api.op.AttrKeys.START;
import static dev.jgrad.api.op.OpNames.BROADCAST_TO;
import static dev.jgrad.api.op.OpNames.CONCAT;
import static dev.jgrad.api.op.OpNames.CONVERT;
import static dev.jgrad.api.op.OpNames.INDEX_ADD;
import static dev.jgrad.api.op.OpNames.INDEX_SELECT;
import static dev.jgrad.api.op.OpNames.ONE_HOT;
import static dev.jgrad.api.op.OpNames.RESHAPE;
import static dev.jgrad.api.op.OpNames.SLICE;
import static dev.jgrad.api.op.OpNames.TRANSPOSE;
import static dev.jgrad.api.op.OpNames.UNSLICE;
import static dev.jgrad.autograd.ops.OpSupport.normalizeAxes;
import static dev.jgrad.autograd.ops.OpSupport.one;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;
import static dev.jgrad.autograd.ops.OpSupport.sumTo;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move data without arithmetic: transpose, reshape, broadcast, gather, slice, concat. */
public final class ShapeOps {
  private ShapeOps() {}

  static void register(OpRegistry.Registration r) {
    // Swap the last two axes; its own inverse.
    registerOp(r, OpDef.builder(TRANSPOSE).arity(1).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      if (s.rank() < 2) {
        throw new IllegalArgumentException(TRANSPOSE + ": needs rank >= 2, got shape " + s);
      }
      int[] d = s.dims();
      int t = d[d.length - 1];
      d[d.length - 1] = d[d.length - 2];
      d[d.length - 2] = t;
      return new TensorSpec(Shape.of(d), in.get(0).dtype());
    }).gradientReadsNothing().build(), c -> {
      Shape s = c.inputSpec(0).shape();
      int rows = s.dim(-2);
      int cols = s.dim(-1);
      c.backend().transpose(c.input(0), (int) (s.size() / Math.max(1L, (long) rows * cols)), rows,
          cols, c.output());
    }, ctx -> one(ctx.gradOutput().transpose()));

    // Same buffer, new shape (no copy); gradient reshaped back.
    registerOp(r, OpDef.builder(RESHAPE).arity(1).int32Data(true).shapeRule((in, attrs) ->
        new TensorSpec(inferReshape(in.get(0).shape(), attrs.getInts(SHAPE)), in.get(0).dtype()))
        .gradientReadsNothing().build(),
        (CompositeKernel) (in, attrs) -> Tensor.wrap(in.get(0).backend(), in.get(0).buffer(),
            inferReshape(in.get(0).shape(), attrs.getInts(SHAPE))),
        ctx -> one(ctx.gradOutput().reshape(ctx.input(0).shape().dims())));

    // Broadcast to a shape; gradient summed back over the broadcast axes.
    registerOp(r, OpDef.builder(BROADCAST_TO).arity(1).shapeRule((in, attrs) -> {
      Shape from = in.get(0).shape();
      Shape to = Shape.of(attrs.getInts(SHAPE));
      if (!Shape.broadcast(from, to, BROADCAST_TO).equals(to)) {
        throw new IllegalArgumentException(BROADCAST_TO + ": shape " + from
            + " cannot be broadcast to " + to);
      }
      return new TensorSpec(to, in.get(0).dtype());
    }).gradientReadsNothing().build(), c -> {
      Shape out = c.outputSpec().shape();
      c.backend().fill(c.output(), 0);
      c.backend().binary(BinaryOp.ADD, c.output(), out, c.input(0), c.inputSpec(0).shape(),
          c.output(), out);
    }, ctx -> one(sumTo(ctx.gradOutput(), ctx.input(0).shape())));

    // out[.., i, ..] = x[.., idx[i], ..]; gradient scattered back with index_add.
    registerOp(r, OpDef.builder(INDEX_SELECT).arity(2).indexInputs(1).int32Data(true)
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
    registerOp(r, OpDef.builder(INDEX_ADD).arity(2).indexInputs(1).shapeRule((in, attrs) -> {
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

    registerOp(r, OpDef.builder(SLICE).arity(1).int32Data(true).shapeRule((in, attrs) -> {
      Shape s = in.get(0).shape();
      int axis = normalizeAxes(SLICE, new int[] {attrs.getInt(AXIS)}, s)[0];
      int start = attrs.getInt(START);
      int length = attrs.getInt(LENGTH);
      if (start < 0 || length < 0 || start + length > s.dim(axis)) {
        throw new IllegalArgumentException(SLICE + ": range [" + start + ", " + (start + length)
            + ") is outside axis " + axis + " of size " + s.dim(axis) + " in shape " + s);
      }
      return new TensorSpec(s.withDim(axis, length), in.get(0).dtype());
    }).gradientReadsNothing().build(), c -> {
      Shape s = c.inputSpec(0).shape();
      int axis = s.normalizeAxis(c.attrs().getInt(AXIS));
      int length = c.attrs().getInt(LENGTH);
      c.backend().copyAxisRange(c.input(0), s.dim(axis), c.attrs().getInt(START), c.output(),
          length, 0, s.outer(axis), length, s.inner(axis));
    }, ctx -> {
      Tensor x = ctx.input(0);
      int axis = x.shape().normalizeAxis(ctx.attrs().getInt(AXIS));
      return one(Ops.call(UNSLICE, Attrs.of(AXIS, axis, START, ctx.attrs().getInt(START),
          SIZE, x.shape().dim(axis)), ctx.gradOutput()));
    });

    // The adjoint of slice: the input placed at `start` in zeros of size `size` along `axis`.
    registerOp(r, OpDef.builder(UNSLICE).arity(1).shapeRule((in, attrs) -> new TensorSpec(
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

    registerOp(r, OpDef.builder(CONCAT).arity(OpDef.VARIADIC).int32Data(true)
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

    registerOp(r, OpDef.builder(ONE_HOT).arity(1).indexInputs(0).differentiable(false)
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

    // Any dtype to any other, as Java's casts; a copy, never a graph edge.
    registerOp(r, OpDef.builder(CONVERT).arity(1).int32Data(true).differentiable(false)
        .shapeRule((in, attrs) -> new TensorSpec(in.get(0).shape(), dtype(CONVERT, attrs, null)))
        .build(), c -> c.backend().convert(c.input(0), c.output()), null);
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
