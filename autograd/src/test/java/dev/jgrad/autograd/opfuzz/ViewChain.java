package dev.jgrad.autograd.opfuzz;

import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A random chain of view ops (permute, transpose, strided slice, expand, squeeze, unsqueeze,
 * reshape, contiguous) from a base tensor to a tensor of a wanted shape, with the same chain on
 * reference arrays and its adjoint (where a gradient through the views must land on the base).
 * Drawn from the wanted shape backwards: each step says what shape it needs as input.
 */
final class ViewChain {
  /** One view op: from {@link #from} to {@link #to}, on tensors and on reference arrays. */
  interface Step {
    int[] from();

    int[] to();

    Tensor apply(Tensor t);

    Nd forward(Nd x);

    Nd adjoint(Nd g);

    String describe();
  }

  private final List<Step> steps; // base first
  private final int[] base;

  private ViewChain(List<Step> steps, int[] base) {
    this.steps = steps;
    this.base = base;
  }

  /** No views: the base is the input (a scalar a reshape of [1], as factories make 1-D). */
  static ViewChain none(int[] shape) {
    if (shape.length == 0) {
      return new ViewChain(List.of(SameOrder.reshape(new int[] {1}, shape, false)),
          new int[] {1});
    }
    return new ViewChain(List.of(), shape);
  }

  /**
   * A chain of up to {@code maxDepth} steps ending in {@code target}; {@code big} keeps the base
   * from growing much (the tensor is large already).
   */
  static ViewChain draw(Random r, int[] target, int maxDepth, boolean big) {
    List<Step> reversed = new ArrayList<>();
    int[] shape = target;
    int depth = maxDepth == 0 ? 0 : r.nextInt(maxDepth + 1);
    for (int i = 0; i < depth; i++) {
      Step s = drawStep(r, shape, big);
      reversed.add(s);
      shape = s.from();
    }
    if (shape.length == 0) { // the factories make 1-D tensors: reshape [1] to a scalar
      Step s = SameOrder.reshape(new int[] {1}, shape, false);
      reversed.add(s);
      shape = s.from();
    }
    List<Step> steps = new ArrayList<>(reversed);
    java.util.Collections.reverse(steps);
    return new ViewChain(List.copyOf(steps), shape);
  }

  int[] baseShape() {
    return base.clone();
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }

  Tensor apply(Tensor t) {
    for (Step s : steps) {
      t = s.apply(t);
    }
    return t;
  }

  Nd forward(Nd x) {
    for (Step s : steps) {
      x = s.forward(x);
    }
    return x;
  }

  /** The gradient on the base of a gradient {@code g} on the chain's output. */
  Nd adjoint(Nd g) {
    for (int i = steps.size() - 1; i >= 0; i--) {
      g = steps.get(i).adjoint(g);
    }
    return g;
  }

  /** Which base positions the chain's output reads (the rest may hold anything). */
  boolean[] reached() {
    double[] at = new double[Nd.sizeOf(base)];
    for (int i = 0; i < at.length; i++) {
      at[i] = i;
    }
    boolean[] reached = new boolean[at.length];
    for (double d : forward(new Nd(base, at)).v) {
      reached[(int) d] = true;
    }
    return reached;
  }

  String describe() {
    StringBuilder sb = new StringBuilder("base").append(Arrays.toString(base));
    for (Step s : steps) {
      sb.append('.').append(s.describe());
    }
    return sb.toString();
  }

  private static Step drawStep(Random r, int[] to, boolean big) {
    int rank = to.length;
    while (true) {
      switch (r.nextInt(big ? 5 : 8)) {
        case 0, 5 -> {
          if (rank >= 2) {
            return Permute.draw(r, to);
          }
        }
        case 1, 6 -> {
          if (rank >= 1) {
            return Slice.draw(r, to, big);
          }
        }
        case 2, 7 -> {
          Step s = Expand.draw(r, to);
          if (s != null) {
            return s;
          }
        }
        case 3 -> {
          if (r.nextBoolean()) {
            return squeezeOrUnsqueeze(r, to);
          }
          return SameOrder.drawReshape(r, to);
        }
        default -> {
          return SameOrder.contiguous(to);
        }
      }
    }
  }

  private static Step squeezeOrUnsqueeze(Random r, int[] to) {
    List<Integer> ones = new ArrayList<>();
    for (int i = 0; i < to.length; i++) {
      if (to[i] == 1) {
        ones.add(i);
      }
    }
    if (!ones.isEmpty() && r.nextBoolean()) { // unsqueeze made this size-1 axis
      int axis = ones.get(r.nextInt(ones.size()));
      int[] from = new int[to.length - 1];
      for (int i = 0, j = 0; i < to.length; i++) {
        if (i != axis) {
          from[j++] = to[i];
        }
      }
      // the axis as the caller may give it: counted from the start, or from the end
      return SameOrder.unsqueeze(from, to, r.nextBoolean() ? axis : axis - to.length);
    }
    int axis = r.nextInt(to.length + 1); // squeeze removes this axis of size 1
    int[] from = new int[to.length + 1];
    for (int i = 0, j = 0; i < from.length; i++) {
      from[i] = i == axis ? 1 : to[j++];
    }
    return SameOrder.squeeze(from, to, r.nextBoolean() ? axis : axis - from.length);
  }

  /** Axis i of the output is axis p[i] of the input. */
  private record Permute(int[] from, int[] to, int[] p, int style) implements Step {
    static Permute draw(Random r, int[] to) {
      int rank = to.length;
      int[] p = new int[rank];
      for (int i = 0; i < rank; i++) {
        p[i] = i;
      }
      int style = r.nextInt(3);
      if (style == 0) { // transpose(): the last two swapped
        p[rank - 1] = rank - 2;
        p[rank - 2] = rank - 1;
      } else if (style == 1) { // transpose(a, b)
        int a = r.nextInt(rank);
        int b = (a + 1 + r.nextInt(rank - 1)) % rank;
        p[a] = b;
        p[b] = a;
      } else {
        for (int i = rank - 1; i > 0; i--) {
          int j = r.nextInt(i + 1);
          int t = p[i];
          p[i] = p[j];
          p[j] = t;
        }
      }
      int[] from = new int[rank];
      for (int i = 0; i < rank; i++) {
        from[p[i]] = to[i];
      }
      return new Permute(from, to, p, style);
    }

    @Override
    public Tensor apply(Tensor t) {
      if (style == 0) {
        return t.transpose();
      }
      if (style == 1) {
        int a = -1;
        for (int i = 0; i < p.length && a < 0; i++) {
          if (p[i] != i) {
            a = i;
          }
        }
        return t.transpose(a - p.length, p[a]); // one axis counted from the end
      }
      return t.permute(p);
    }

    @Override
    public Nd forward(Nd x) {
      return RefViews.permute(x, p);
    }

    @Override
    public Nd adjoint(Nd g) {
      return RefViews.permute(g, RefViews.inverse(p));
    }

    @Override
    public String describe() {
      return "permute" + Arrays.toString(p);
    }
  }

  /** Entries start, start + step, ... of an axis (the input is longer, before and after). */
  private record Slice(int[] from, int[] to, int axis, int start, int stop, int step,
      boolean threeArgs) implements Step {
    static Slice draw(Random r, int[] to, boolean big) {
      int axis = r.nextInt(to.length);
      int step = 1 + r.nextInt(big ? 2 : 3);
      int start = r.nextInt(3);
      int length = to[axis];
      int last = length == 0 ? start : start + (length - 1) * step + 1; // one past the last taken
      int stop = length == 0 ? start : last + r.nextInt(step); // any stop gives the same length
      int[] from = to.clone();
      from[axis] = stop + r.nextInt(3);
      return new Slice(from, to, axis, start, stop, step, step == 1 && r.nextBoolean());
    }

    @Override
    public Tensor apply(Tensor t) {
      if (threeArgs) {
        return t.slice(axis, start, to[axis]);
      }
      return t.slice(axis - from.length, start, stop, step); // the axis counted from the end
    }

    @Override
    public Nd forward(Nd x) {
      return RefViews.slice(x, axis, start, to[axis], step);
    }

    @Override
    public Nd adjoint(Nd g) {
      return RefViews.unslice(g, from, axis, start, step);
    }

    @Override
    public String describe() {
      return threeArgs ? "slice(" + axis + ", " + start + ", " + to[axis] + ")"
          : "slice(" + (axis - from.length) + ", " + start + ", " + stop + ", " + step + ")";
    }
  }

  /** Size-1 axes grown and new leading axes added, by stride 0. */
  private record Expand(int[] from, int[] to, int[] dims, boolean viaBroadcastTo)
      implements Step {
    static Expand draw(Random r, int[] to) {
      int lead = to.length == 0 ? 0 : r.nextInt(Math.min(2, to.length) + 1);
      int[] from = Arrays.copyOfRange(to, lead, to.length);
      boolean changed = lead > 0;
      for (int i = 0; i < from.length; i++) {
        if (from[i] > 1 && r.nextInt(3) == 0) {
          from[i] = 1;
          changed = true;
        }
      }
      if (!changed) {
        return null;
      }
      int[] dims = to.clone();
      for (int i = lead; i < to.length; i++) {
        if (from[i - lead] == to[i] && r.nextBoolean()) {
          dims[i] = -1; // keep this axis's size
        }
      }
      return new Expand(from, to, dims, r.nextInt(3) == 0);
    }

    @Override
    public Tensor apply(Tensor t) {
      return viaBroadcastTo ? t.broadcastTo(to) : t.expand(dims);
    }

    @Override
    public Nd forward(Nd x) {
      return RefViews.broadcast(x, to);
    }

    @Override
    public Nd adjoint(Nd g) {
      return RefViews.sumTo(g, from);
    }

    @Override
    public String describe() {
      return (viaBroadcastTo ? "broadcastTo" : "expand") + Arrays.toString(dims);
    }
  }

  /**
   * A step that keeps the elements in row-major order, in another shape: squeeze, unsqueeze,
   * reshape (a view where strides allow) and contiguous (a dense copy).
   */
  private record SameOrder(int[] from, int[] to, String describe, UnaryOperator<Tensor> op)
      implements Step {
    static SameOrder squeeze(int[] from, int[] to, int axis) {
      return new SameOrder(from, to, "squeeze(" + axis + ")", t -> t.squeeze(axis));
    }

    static SameOrder unsqueeze(int[] from, int[] to, int axis) {
      return new SameOrder(from, to, "unsqueeze(" + axis + ")", t -> t.unsqueeze(axis));
    }

    static SameOrder contiguous(int[] shape) {
      return new SameOrder(shape, shape, "contiguous()", Tensor::contiguous);
    }

    static SameOrder reshape(int[] from, int[] to, boolean inferOne) {
      int[] dims = to.clone();
      if (inferOne && dims.length > 0) {
        dims[dims.length / 2] = -1;
      }
      return new SameOrder(from, to, "reshape" + Arrays.toString(dims), t -> t.reshape(dims));
    }

    /** A reshape to {@code to} from two axes merged, one split, or all flattened. */
    static SameOrder drawReshape(Random r, int[] to) {
      int rank = to.length;
      int kind = r.nextInt(3);
      int[] from;
      if (kind == 0 && rank >= 2) { // the input had two adjacent axes merged here... split them
        int a = r.nextInt(rank - 1);
        from = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
          if (i == a + 1) {
            continue;
          }
          from[j++] = i == a ? to[a] * to[a + 1] : to[i];
        }
      } else if (kind == 1 && rank >= 1) { // an axis of the input was split in two here: merge
        int a = r.nextInt(rank);
        int f = smallFactor(r, to[a]);
        from = new int[rank + 1];
        for (int i = 0, j = 0; i < rank; i++) {
          if (i == a) {
            from[j++] = f;
            from[j++] = to[a] / f;
          } else {
            from[j++] = to[i];
          }
        }
      } else {
        from = new int[] {Nd.sizeOf(to)};
      }
      return reshape(from, to, Nd.sizeOf(to) > 0 && r.nextBoolean());
    }

    private static int smallFactor(Random r, int n) {
      List<Integer> fs = new ArrayList<>();
      for (int f = 1; f <= n && f <= 12; f++) {
        if (n % f == 0) {
          fs.add(f);
        }
      }
      return fs.isEmpty() ? 1 : fs.get(r.nextInt(fs.size()));
    }

    @Override
    public Tensor apply(Tensor t) {
      return op.apply(t);
    }

    @Override
    public Nd forward(Nd x) {
      return x.reshape(to);
    }

    @Override
    public Nd adjoint(Nd g) {
      return g.reshape(from);
    }
  }
}
