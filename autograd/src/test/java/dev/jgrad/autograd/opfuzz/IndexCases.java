package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Ops that pick or place by index, join tensors, or convert stored data: indexSelect (rows of
 * 16 or more floats or bytes go to the native gather), gather and scatterAdd, oneHot, concat and
 * stack, and conversions from UINT8 pixels and INT32.
 */
final class IndexCases {
  private IndexCases() {}

  /** {@code x.indexSelect(axis, idx)} on floats, or on bytes converted to the case's dtype. */
  static FuzzCase indexSelect(Random r, DType dtype) {
    boolean bytes = r.nextInt(4) == 0;
    int[] shape = r.nextInt(4) == 0 ? new int[] {5 + r.nextInt(60), 16 + r.nextInt(800)}
        : Shapes.shape(r, 1, 3, 3000);
    int axis = r.nextInt(shape.length);
    shape[axis] = Math.max(1, shape[axis]); // an index into an empty axis is out of range
    int count = 1 + r.nextInt(12);
    InputSpec x = bytes ? InputSpec.bytes("x", shape)
        : InputSpec.data("x", Dist.any(r, Dist.NORMAL, Dist.PIXELS), shape);
    InputSpec idx = InputSpec.index("indices", shape[axis], count);
    int apiAxis = r.nextBoolean() ? axis : axis - shape.length;
    String describe = "indexSelect(" + apiAxis + ")" + (bytes ? " of bytes, .to(" + dtype + ")"
        : "");
    return new FuzzCase(describe, List.of(x, idx), in -> {
      Tensor picked = in.get(0).indexSelect(apiAxis, in.get(1));
      return bytes ? picked.to(dtype) : picked;
    }, in -> {
      Nd xv = in.get(0);
      Nd iv = in.get(1);
      int[] out = shape.clone();
      out[axis] = count;
      int inner = 1;
      for (int d = axis + 1; d < shape.length; d++) {
        inner *= shape[d];
      }
      int outer = xv.size() / (shape[axis] * inner);
      double[] y = new double[Nd.sizeOf(out)];
      int[] from = new int[y.length];
      for (int o = 0; o < outer; o++) {
        for (int i = 0; i < count; i++) {
          for (int j = 0; j < inner; j++) {
            int p = (o * count + i) * inner + j;
            from[p] = (o * shape[axis] + (int) iv.v[i]) * inner + j;
            y[p] = xv.v[from[p]];
          }
        }
      }
      return new Expect(new Nd(out, y), Nd.zeros(out), count, null, null)
          .withBackward(w -> Arrays.asList(scatterAdd(w, from, shape), null));
    });
  }

  /** {@code g[i]} added at {@code to[i]} of zeros of {@code shape}. */
  private static Expect.Grad scatterAdd(Nd g, int[] to, int[] shape) {
    Nd dx = Nd.zeros(shape);
    Nd m = Nd.zeros(shape);
    for (int i = 0; i < to.length; i++) {
      dx.v[to[i]] += g.v[i];
      m.v[to[i]] += Math.abs(g.v[i]);
    }
    return new Expect.Grad(dx, m);
  }

  /** gather(axis, index) or scatterAdd(axis, index, src), PyTorch's. */
  static FuzzCase gatherScatter(Random r, DType dtype) {
    boolean scatter = r.nextBoolean();
    int[] shape = Shapes.shape(r, 1, 3, 2000);
    int axis = r.nextInt(shape.length);
    shape[axis] = Math.max(1, shape[axis]); // an index into an empty axis is out of range
    int[] ishape = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      ishape[d] = d == axis ? r.nextInt(7) : shape[d] == 0 ? 0 : 1 + r.nextInt(shape[d]);
    }
    int apiAxis = r.nextBoolean() ? axis : axis - shape.length;
    List<InputSpec> specs = new ArrayList<>();
    specs.add(InputSpec.data("x", Dist.NORMAL, shape));
    specs.add(InputSpec.index("index", shape[axis], ishape));
    if (scatter) {
      specs.add(InputSpec.data("src", Dist.WIDE, ishape));
    }
    return new FuzzCase((scatter ? "scatterAdd(" : "gather(") + apiAxis + ")", specs,
        in -> scatter ? in.get(0).scatterAdd(apiAxis, in.get(1), in.get(2))
            : in.get(0).gather(apiAxis, in.get(1)), in -> {
          Nd x = in.get(0);
          Nd index = in.get(1);
          int[] xs = Nd.strides(shape);
          int[] at = new int[index.size()]; // the flat place in x each index names
          int[] idx = new int[ishape.length];
          for (int f = 0; f < at.length; f++) {
            int p = 0;
            for (int d = 0; d < ishape.length; d++) {
              p += (d == axis ? (int) index.v[f] : idx[d]) * xs[d];
            }
            at[f] = p;
            Nd.next(idx, ishape);
          }
          if (!scatter) {
            double[] y = new double[at.length];
            for (int f = 0; f < y.length; f++) {
              y[f] = x.v[at[f]];
            }
            return new Expect(new Nd(ishape, y), Nd.zeros(ishape), at.length, null, null)
                .withBackward(w -> Arrays.asList(scatterAdd(w, at, shape), null));
          }
          Nd src = in.get(2);
          Expect.Grad added = scatterAdd(src, at, shape);
          Nd y = RefMath.zip(x, added.value(), Double::sum);
          Nd m = RefMath.zip(x.abs(), added.mag(), Double::sum);
          return new Expect(y, m, at.length, null, null).withBackward(w -> {
            double[] gs = new double[at.length];
            for (int f = 0; f < gs.length; f++) {
              gs[f] = w.v[at[f]];
            }
            Nd gsrc = new Nd(ishape, gs);
            return Arrays.asList(new Expect.Grad(w, w.abs()), null,
                new Expect.Grad(gsrc, gsrc.abs()));
          });
        });
  }

  /** One-hot rows of FLOAT32 or FLOAT64 from INT32 labels. */
  static FuzzCase oneHot(Random r, DType dtype) {
    int classes = 1 + r.nextInt(r.nextBoolean() ? 10 : 300);
    int n = 1 + r.nextInt(50);
    boolean defaultDtype = dtype == DType.FLOAT32 && r.nextBoolean();
    return new FuzzCase("oneHot(" + classes + (defaultDtype ? ")" : ", " + dtype + ")"),
        List.of(InputSpec.index("labels", classes, n)),
        in -> defaultDtype ? in.get(0).oneHot(classes) : in.get(0).oneHot(classes, dtype),
        in -> {
          Nd t = Nd.zeros(n, classes);
          for (int i = 0; i < n; i++) {
            t.v[i * classes + (int) in.get(0).v[i]] = 1;
          }
          return Expect.exact(t, dtype);
        });
  }

  /** concat or stack of 1 to 4 tensors along an axis. */
  static FuzzCase join(Random r, DType dtype) {
    boolean stack = r.nextBoolean();
    int[] shape = Shapes.shape(r, stack ? 0 : 1, 3, 2000);
    int count = 1 + r.nextInt(4);
    int axis = stack ? r.nextInt(shape.length + 1) : r.nextInt(shape.length);
    int rank = stack ? shape.length + 1 : shape.length;
    int apiAxis = r.nextBoolean() ? axis : axis - rank;
    List<InputSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] s = shape.clone();
      if (!stack) {
        s[axis] = 1 + r.nextInt(5);
      }
      specs.add(InputSpec.data("t" + i, Dist.NORMAL, s));
    }
    return new FuzzCase((stack ? "stack(" : "concat(") + apiAxis + ")", specs,
        in -> stack ? Tensor.stack(apiAxis, in) : Tensor.concat(apiAxis, in), in -> {
          List<Nd> parts = new ArrayList<>();
          for (Nd p : in) {
            if (stack) { // a new axis of 1, then concatenated
              int[] s = new int[shape.length + 1];
              for (int d = 0, j = 0; d < s.length; d++) {
                s[d] = d == axis ? 1 : shape[j++];
              }
              parts.add(p.reshape(s));
            } else {
              parts.add(p);
            }
          }
          int[] out = parts.get(0).shape.clone();
          out[axis] = parts.stream().mapToInt(p -> p.shape[axis]).sum();
          Nd y = Nd.zeros(out);
          int at = 0;
          for (Nd p : parts) {
            Nd placed = RefViews.unslice(p, out, axis, at, 1);
            for (int i = 0; i < y.size(); i++) {
              y.v[i] += placed.v[i];
            }
            at += p.shape[axis];
          }
          return Expect.exact(y, null).withBackward(w -> {
            List<Expect.Grad> grads = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < parts.size(); i++) {
              Nd g = RefViews.slice(w, axis, from, parts.get(i).shape[axis], 1)
                  .reshape(in.get(i).shape);
              grads.add(new Expect.Grad(g, g.abs()));
              from += parts.get(i).shape[axis];
            }
            return grads;
          });
        });
  }

  /** UINT8 or INT32 data converted to the case's float dtype (and floats to INT32). */
  static FuzzCase convertStored(Random r, DType dtype) {
    int kind = r.nextInt(3);
    int[] shape = r.nextInt(4) == 0 ? new int[] {1 + r.nextInt(64), 784}
        : Shapes.shape(r, 1, 4, 3000);
    InputSpec x = switch (kind) {
      case 0 -> InputSpec.bytes("pixels", shape);
      case 1 -> InputSpec.index("ints", 1000, shape);
      default -> InputSpec.constant("x", Dist.WIDE, shape);
    };
    DType to = kind == 2 ? DType.INT32 : dtype;
    return new FuzzCase("to(" + to + ") of " + (kind == 0 ? "UINT8" : kind == 1 ? "INT32"
        : dtype), List.of(x), in -> in.get(0).to(to), in -> Expect.exact(
            kind == 2 ? RefMath.map(in.get(0), v -> (int) v) : in.get(0), to));
  }
}
