package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.BiasActivationOps;
import dev.jgrad.autograd.ops.ConvOps;
import dev.jgrad.autograd.ops.MatmulOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Inputs an op must refuse, drawn by perturbing a valid call (shapes that clash, axes and ranges
 * out of range, windows that do not fit, indices out of range), with inputs as views as in every
 * other case. Each must fail with an IllegalArgumentException (IndexOutOfBoundsException for an
 * index) of one line naming the op and the shapes at fault; never a crash deeper down, a hang or
 * a silent result.
 */
final class BadInputCases {
  private BadInputCases() {}

  private static String text(int[] shape) {
    return Arrays.toString(shape);
  }

  /** A dimension of 2 to 5, so that one changed by 1 or 2 clashes (never 1, which broadcasts). */
  private static int dim(Random r) {
    return 2 + r.nextInt(4);
  }

  private static int[] dims(Random r, int rank) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = dim(r);
    }
    return s;
  }

  /** {@code s} with one dimension changed to another size that is not 1. */
  private static int[] clash(Random r, int[] s, int axis) {
    int[] t = s.clone();
    t[axis] = s[axis] + 1 + r.nextInt(2);
    return t;
  }

  private static FuzzCase refused(String describe, List<InputSpec> specs,
      Function<List<Tensor>, Tensor> run, String... mention) {
    return new FuzzCase(describe, specs, run, in -> Expect.refusal(mention));
  }

  static FuzzCase draw(Random r, DType dtype) {
    switch (r.nextInt(16)) {
      case 0: { // broadcast binary ops: a dimension that is neither equal nor 1
        int[] a = dims(r, 1 + r.nextInt(3));
        int[] b = clash(r, a, r.nextInt(a.length));
        String[] names = {"add", "sub", "mul", "div", "greater", "equal"};
        int op = r.nextInt(names.length);
        return refused(names[op], List.of(InputSpec.data("a", Dist.NORMAL, a),
            InputSpec.data("b", Dist.NORMAL, b)), in -> switch (op) {
              case 0 -> in.get(0).add(in.get(1));
              case 1 -> in.get(0).sub(in.get(1));
              case 2 -> in.get(0).mul(in.get(1));
              case 3 -> in.get(0).div(in.get(1));
              case 4 -> in.get(0).greater(in.get(1));
              default -> in.get(0).eq(in.get(1));
            }, "jgrad::" + names[op], text(a), text(b));
      }
      case 1: { // matmul: inner dimensions that differ, or batch axes that clash
        int m = dim(r);
        int k = dim(r);
        int n = dim(r);
        boolean batch = r.nextBoolean();
        int[] a = batch ? new int[] {2, m, k} : new int[] {m, k};
        int[] b = batch ? new int[] {3, k, n} : new int[] {k + 1 + r.nextInt(2), n};
        boolean flags = r.nextBoolean();
        return refused("matmul", List.of(InputSpec.data("a", Dist.NORMAL, a),
            InputSpec.data("b", Dist.NORMAL, b)), in -> flags
                ? MatmulOps.matmul(in.get(0), false, in.get(1), false)
                : in.get(0).matmul(in.get(1)), "jgrad::matmul", text(a), text(b));
      }
      case 2: { // reshape to another number of elements
        int[] x = dims(r, 1 + r.nextInt(3));
        int[] to = dims(r, 1 + r.nextInt(3));
        if (Nd.sizeOf(to) == Nd.sizeOf(x)) {
          to[0]++;
        }
        return refused("reshape" + text(to), List.of(InputSpec.data("x", Dist.NORMAL, x)),
            in -> in.get(0).reshape(to), "jgrad::reshape", text(x));
      }
      case 3: { // permute: not a permutation of the axes
        int[] x = dims(r, 2 + r.nextInt(2));
        int kind = r.nextInt(3);
        int[] axes = new int[x.length + (kind == 0 ? 1 : 0)]; // one axis too many,
        for (int i = 0; i < axes.length; i++) {
          axes[i] = i % x.length;
        }
        if (kind == 1) {
          axes[1] = axes[0]; // one given twice,
        } else if (kind == 2) {
          axes[r.nextInt(axes.length)] = r.nextBoolean() ? x.length : -x.length - 1; // or past
        }
        return refused("permute" + text(axes), List.of(InputSpec.data("x", Dist.NORMAL, x)),
            in -> in.get(0).permute(axes), "jgrad::permute", text(x));
      }
      case 4: { // slice: a range past the axis
        int[] x = dims(r, 1 + r.nextInt(3));
        int axis = r.nextInt(x.length);
        int start = r.nextInt(x[axis]);
        int stop = x[axis] + 1 + r.nextInt(3);
        int step = 1 + r.nextInt(2);
        boolean three = r.nextBoolean();
        return refused("slice(" + axis + ", " + start + ", " + stop + ")",
            List.of(InputSpec.data("x", Dist.NORMAL, x)), in -> three
                ? in.get(0).slice(axis, start, stop - start) : in.get(0).slice(axis, start, stop,
                step), "jgrad::slice", text(x));
      }
      case 5: { // reductions: an axis out of range, or given twice
        int[] x = dims(r, 1 + r.nextInt(3));
        boolean twice = r.nextBoolean();
        int[] axes = twice ? new int[] {0, -x.length} : new int[] {x.length + r.nextInt(2)};
        String[] names = {"sum", "mean", "max"};
        int op = r.nextInt(3);
        return refused(names[op] + text(axes), List.of(InputSpec.data("x", Dist.NORMAL, x)),
            in -> switch (op) {
              case 0 -> in.get(0).sum(false, axes);
              case 1 -> in.get(0).mean(false, axes);
              default -> in.get(0).max(false, axes);
            }, "jgrad::" + names[op], text(x));
      }
      case 6: { // expand to a shape the tensor does not broadcast to
        int[] x = dims(r, 1 + r.nextInt(3));
        int[] to = clash(r, x, r.nextInt(x.length));
        return refused("expand" + text(to), List.of(InputSpec.data("x", Dist.NORMAL, x)),
            in -> in.get(0).expand(to), "jgrad::broadcast_to", text(x));
      }
      case 7: { // squeeze of an axis that is not of size 1
        int[] x = dims(r, 1 + r.nextInt(3));
        int axis = r.nextInt(x.length);
        return refused("squeeze(" + axis + ")", List.of(InputSpec.data("x", Dist.NORMAL, x)),
            in -> in.get(0).squeeze(axis), "jgrad::squeeze", text(x));
      }
      case 8: return conv(r);
      case 9: return pool(r);
      case 10: { // concat of shapes that differ off the axis
        int[] a = dims(r, 2);
        int axis = r.nextInt(2);
        int[] b = clash(r, a, 1 - axis);
        return refused("concat(" + axis + ")", List.of(InputSpec.data("a", Dist.NORMAL, a),
            InputSpec.data("b", Dist.NORMAL, b)), in -> Tensor.concat(axis, in),
            "jgrad::concat", text(a), text(b));
      }
      case 11: return loss(r);
      case 12: { // an index out of range
        int[] x = dims(r, 2);
        int axis = r.nextInt(2);
        int bad = x[axis] + r.nextInt(3);
        int[] idx = {0, bad};
        InputSpec xs = InputSpec.data("x", Dist.NORMAL, x);
        return new FuzzCase("indexSelect(" + axis + ") with index " + bad, List.of(xs),
            in -> in.get(0).indexSelect(axis, Tensor.indices(idx)),
            in -> Expect.refusal(String.valueOf(bad), String.valueOf(x[axis])));
      }
      case 13: { // two float dtypes in one op
        int[] a = dims(r, 1 + r.nextInt(2));
        DType other = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        boolean matmul = r.nextBoolean();
        return refused((matmul ? "matmul" : "add") + " with " + other, List.of(InputSpec.data("a",
            Dist.NORMAL, a)), in -> {
              Tensor b = Tensor.ones(other, matmul ? new int[] {a[a.length - 1], 2} : a);
              return matmul ? in.get(0).matmul(b) : in.get(0).add(b);
            }, matmul ? "jgrad::matmul" : "jgrad::add", dtype.name(), other.name());
      }
      case 14: { // bias + activation: a bias that does not match the columns
        int[] x = dims(r, 2);
        int[] bias = {x[1] + 1};
        return refused("biasActivation", List.of(InputSpec.data("x", Dist.NORMAL, x),
            InputSpec.data("bias", Dist.NORMAL, bias)), in -> BiasActivationOps.biasActivation(
                in.get(0), in.get(1), FusedActivation.RELU), "jgrad::bias_activation", text(x),
            text(bias));
      }
      default: { // softmax cross-entropy with labels: one label too many or too few
        int[] x = dims(r, 2);
        int count = x[0] + (r.nextBoolean() ? 1 : -1);
        return refused("softmaxCrossEntropyLabels with " + count + " labels",
            List.of(InputSpec.data("logits", Dist.NORMAL, x), InputSpec.index("labels", x[1],
                count)), in -> Losses.softmaxCrossEntropyLabels(in.get(0), in.get(1)),
            "jgrad::softmax_cross_entropy_labels", text(x), "[" + count + "]");
      }
    }
  }

  /** conv2d: channels that differ, a window larger than the padded input, or a bad bias. */
  private static FuzzCase conv(Random r) {
    int n = 1 + r.nextInt(2);
    int c = 1 + r.nextInt(3);
    int h = 2 + r.nextInt(4);
    int w = 2 + r.nextInt(4);
    int f = 1 + r.nextInt(3);
    int kind = r.nextInt(3);
    int[] x = {n, c, h, w};
    int[] wt = kind == 0 ? new int[] {f, c + 1, 2, 2}
        : kind == 1 ? new int[] {f, c, h + 1 + r.nextInt(2), 2} : new int[] {f, c, 2, 2};
    List<InputSpec> specs = new ArrayList<>(List.of(InputSpec.data("x", Dist.NORMAL, x),
        InputSpec.data("w", Dist.NORMAL, wt)));
    if (kind == 2) {
      specs.add(InputSpec.data("bias", Dist.NORMAL, f + 1));
    }
    String fault = kind == 2 ? "[" + (f + 1) + "]" : text(x);
    return refused("conv2d " + (kind == 0 ? "channels" : kind == 1 ? "window" : "bias"), specs,
        in -> ConvOps.conv2d(in.get(0), in.get(1), kind == 2 ? in.get(2) : null,
            new int[] {1, 1}, new int[] {0, 0}), "jgrad::conv2d", fault);
  }

  /** Pooling: padding more than half the window, or a window larger than the padded input. */
  private static FuzzCase pool(Random r) {
    int[] x = {1 + r.nextInt(2), 1 + r.nextInt(3), 2 + r.nextInt(4), 2 + r.nextInt(4)};
    boolean padding = r.nextBoolean();
    int[] kernel = padding ? new int[] {2, 2} : new int[] {x[2] + 1 + r.nextInt(2), 1};
    int[] pad = padding ? new int[] {2, 0} : new int[] {0, 0};
    boolean max = r.nextBoolean();
    Attrs attrs = Conv2dGeometry.attrs(kernel, kernel, pad);
    return refused((max ? "maxPool2d " : "avgPool2d ") + attrs, List.of(InputSpec.data("x",
        Dist.NORMAL, x)), in -> max ? PoolOps.maxPool2d(in.get(0), kernel, kernel, pad)
            : PoolOps.avgPool2d(in.get(0), kernel, kernel, pad),
        max ? "jgrad::max_pool2d" : "jgrad::avg_pool2d", text(x));
  }

  /** A loss of a prediction and a target of different shapes. */
  private static FuzzCase loss(Random r) {
    int[] y = dims(r, 2);
    int[] t = clash(r, y, r.nextInt(2));
    String[] names = {"mse", "sse", "cross_entropy", "softmax_cross_entropy", "bce",
        "bce_with_logits"};
    int op = r.nextInt(names.length);
    return refused(names[op], List.of(InputSpec.data("y", Dist.PROBABILITY, y),
        InputSpec.data("t", Dist.UNIT, t)), in -> switch (op) {
          case 0 -> Losses.meanSquaredError(in.get(0), in.get(1));
          case 1 -> Losses.sumOfSquaresError(in.get(0), in.get(1));
          case 2 -> Losses.crossEntropyError(in.get(0), in.get(1));
          case 3 -> Losses.softmaxCrossEntropy(in.get(0), in.get(1));
          case 4 -> Losses.binaryCrossEntropy(in.get(0), in.get(1));
          default -> Losses.binaryCrossEntropyWithLogits(in.get(0), in.get(1));
        }, "jgrad::" + names[op], text(y), text(t));
  }
}
