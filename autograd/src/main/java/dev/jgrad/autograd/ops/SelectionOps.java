package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.AXIS;
import static dev.jgrad.api.op.OpNames.GATHER;
import static dev.jgrad.api.op.OpNames.SCATTER_ADD;
import static dev.jgrad.autograd.ops.OpSupport.normalizeAxes;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that pick elements by index or condition: gather, scatterAdd (each the other's adjoint),
 * and the compositions stack and where.
 *
 * <p>gather and scatterAdd run on the {@code index_select}/{@code index_add} primitives over the
 * flattened input: the flat index of each element is {@code base + index * stride}, with
 * {@code base} (the offset of the element's other coordinates) computed on the host from the
 * shapes alone and uploaded, and the arithmetic done in FLOAT64, which holds every int exactly.
 * The index is first checked against the axis's size by a gather from a buffer of that size, so
 * that an index out of range fails (on a GPU, at the next synchronisation) naming the index and
 * the bound, as index_select does, rather than landing on another row of the flat buffer.
 */
public final class SelectionOps {
  private SelectionOps() {}

  static void register(OpRegistry.Registration r) {
    // out[p] = x[p with p[axis] = index[p]]; dx = scatterAdd(0, index, g)
    registerOp(r, OpDef.builder(GATHER).arity(2).attributes(AXIS).indexInputs(1).int32Data(true)
        .shapeRule((in, attrs) -> {
          Shape x = in.get(0).shape();
          Shape index = in.get(1).shape();
          checkIndexShape(GATHER, x, index, axisOf(GATHER, x, attrs));
          return new TensorSpec(index, in.get(0).dtype());
        }).gradientReadsInputs(1).gradientReadsOutput(false).build(), c -> {
          if (c.inputSpec(1).shape().size() == 0) {
            return;
          }
          try (DeviceBuffer flat = flatIndices(GATHER, c)) {
            c.backend().indexSelect(c.input(0), 1, (int) c.inputSpec(0).shape().size(), 1, flat,
                c.output());
          }
        }, ctx -> {
          Tensor x = ctx.input(0);
          Tensor zeros = Tensor.zeros(x.dtype(), x.shape().dims()).to(x.backend());
          return Arrays.asList(scatterAdd(zeros, ctx.attrs().getInt(AXIS), ctx.input(1),
              ctx.gradOutput()), null);
        });

    // out = x, then out[p with p[axis] = index[p]] += src[p]; dx = g, dsrc = gather(g, index)
    registerOp(r, OpDef.builder(SCATTER_ADD).arity(3).attributes(AXIS).indexInputs(1).shapeRule((in, attrs) -> {
      Shape x = in.get(0).shape();
      Shape index = in.get(1).shape();
      Shape src = in.get(2).shape();
      if (!src.equals(index)) {
        throw new IllegalArgumentException(SCATTER_ADD + ": src " + src + " and index " + index
            + " must have one shape (each src element goes to the place its index names)");
      }
      checkIndexShape(SCATTER_ADD, x, index, axisOf(SCATTER_ADD, x, attrs));
      return in.get(0);
    }).gradientReadsInputs(1).gradientReadsOutput(false).build(), c -> {
      long size = c.inputSpec(0).shape().size();
      c.backend().copy(c.input(0), 0, c.output(), 0, size);
      if (c.inputSpec(1).shape().size() == 0) {
        return;
      }
      try (DeviceBuffer flat = flatIndices(SCATTER_ADD, c)) {
        c.backend().indexAdd(c.input(2), flat, c.output(), 1, (int) size, 1);
      }
    }, ctx -> Arrays.asList(ctx.gradOutput(), null,
        gather(ctx.gradOutput(), ctx.attrs().getInt(AXIS), ctx.input(1))));
  }

  /** See {@link Tensor#gather}. */
  public static Tensor gather(Tensor x, int axis, Tensor index) {
    return Ops.call(GATHER, Attrs.of(AXIS, axis), x, index);
  }

  /** See {@link Tensor#scatterAdd}. */
  public static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor src) {
    return Ops.call(SCATTER_ADD, Attrs.of(AXIS, axis), x, index, src);
  }

  /** See {@link Tensor#stack}: each tensor gets a new axis of size 1, then they are concatenated. */
  public static Tensor stack(int axis, List<Tensor> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("stack: needs at least one tensor, got none");
    }
    Shape first = tensors.get(0).shape();
    int a = axis < 0 ? axis + first.rank() + 1 : axis;
    if (a < 0 || a > first.rank()) {
      throw new IllegalArgumentException("stack: axis " + axis + " is out of range for tensors "
          + "of shape " + first + " (a new axis goes at 0.." + first.rank() + ", or -"
          + (first.rank() + 1) + "..-1)");
    }
    int[] dims = new int[first.rank() + 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      dims[i] = i == a ? 1 : first.dim(j++);
    }
    List<Tensor> unsqueezed = new ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      Shape s = tensors.get(i).shape();
      if (!s.equals(first)) {
        throw new IllegalArgumentException("stack: tensor " + i + " has shape " + s
            + " but tensor 0 has shape " + first + "; stacked tensors must have one shape");
      }
      unsqueezed.add(tensors.get(i).reshape(dims));
    }
    return Tensor.concat(a, unsqueezed);
  }

  /**
   * See {@link Tensor#where}. It selects, never blends: a and b, broadcast to the common shape,
   * are stacked as {@code [a, b]} along a new last axis, and gathered with the index
   * {@code cond == 0}, so an Inf or NaN in the branch not taken never reaches the result.
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException("where: a is " + a.spec() + " but b is " + b.spec()
          + "; convert one with to(DType)");
    }
    Shape out = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape(), "where"), b.shape(),
        "where");
    Tensor c = cond.to(a.dtype()); // INT32 or the other float dtype: only zero or not matters
    Tensor zero = Tensor.zeros(a.dtype()).to(c.backend());
    int[] withPick = Arrays.copyOf(out.dims(), out.rank() + 1);
    withPick[out.rank()] = 1;
    Tensor pick = expand(c.eq(zero), out).to(DType.INT32).reshape(withPick); // 1 picks b
    Tensor both = stack(-1, List.of(expand(a, out), expand(b, out)));
    return gather(both, -1, pick).reshape(out.dims());
  }

  private static Tensor expand(Tensor t, Shape to) {
    return t.shape().equals(to) ? t : t.broadcastTo(to.dims());
  }

  private static int axisOf(String op, Shape x, Attrs attrs) {
    return normalizeAxes(op, new int[] {attrs.getInt(AXIS)}, x)[0];
  }

  /** The index has x's rank and, off the axis, no dimension beyond x's (PyTorch's rule). */
  private static void checkIndexShape(String op, Shape x, Shape index, int axis) {
    boolean fits = index.rank() == x.rank();
    for (int d = 0; fits && d < x.rank(); d++) {
      fits = d == axis || index.dim(d) <= x.dim(d);
    }
    if (!fits) {
      throw new IllegalArgumentException(op + ": index " + index + " does not fit the input "
          + x + " along axis " + axis + "; it needs the same rank and, off axis " + axis
          + ", dimensions no larger");
    }
  }

  /**
   * INT32 flat positions in x (input 0) of the elements that the index (input 1) names along the
   * axis, after checking every index against the axis's size. The caller closes the buffer.
   */
  private static DeviceBuffer flatIndices(String op, KernelCall c) {
    Backend b = c.backend();
    Shape x = c.inputSpec(0).shape();
    Shape index = c.inputSpec(1).shape();
    int axis = x.normalizeAxis(c.attrs().getInt(AXIS));
    DeviceBuffer idx = c.input(1);
    long n = index.size();
    int bound = x.dim(axis);
    if (bound == 0) { // no valid index at all
      throw new IndexOutOfBoundsException(op + ": axis " + axis + " of shape " + x
          + " is empty, so no index is in range [0, 0)");
    }
    try (DeviceBuffer range = b.allocate(DType.INT32, bound);
        DeviceBuffer checked = b.allocate(DType.INT32, n)) {
      b.fill(range, 0);
      b.indexSelect(range, 1, bound, 1, idx, checked); // fails naming the index and the bound
    }
    int[] base = new int[(int) n];
    int[] coord = new int[index.rank()];
    int[] stride = new int[x.rank()];
    for (int d = x.rank() - 1, s = 1; d >= 0; d--) {
      stride[d] = s;
      s *= x.dim(d);
    }
    for (int q = 0; q < n; q++) {
      int offset = 0;
      for (int d = 0; d < coord.length; d++) {
        offset += d == axis ? 0 : coord[d] * stride[d];
      }
      base[q] = offset;
      for (int d = coord.length - 1; d >= 0 && ++coord[d] == index.dim(d); d--) {
        coord[d] = 0;
      }
    }
    DeviceBuffer flat = b.allocate(DType.INT32, n);
    try (DeviceBuffer baseInt = b.upload(base);
        DeviceBuffer baseF = b.allocate(DType.FLOAT64, n);
        DeviceBuffer pos = b.allocate(DType.FLOAT64, n)) {
      Shape v = Shape.of((int) n);
      b.convert(baseInt, baseF);
      b.convert(idx, pos);
      b.scalar(BinaryOp.MUL, pos, stride[axis], pos);
      b.binary(BinaryOp.ADD, pos, v, baseF, v, pos, v);
      b.convert(pos, flat);
    }
    return flat;
  }
}
