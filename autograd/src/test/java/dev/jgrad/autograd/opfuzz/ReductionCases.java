package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Reductions over random axes (sum, mean, max, min, with and without kept dims), argmax and
 * argmin, softmax, log-softmax and logSumExp along an axis, variance and standard deviation.
 */
final class ReductionCases {
  private ReductionCases() {}

  private static int[] shape(Random r, int minRank) {
    return r.nextInt(20) == 0 ? Shapes.big(r, Math.max(minRank, 1 + r.nextInt(3)))
        : Shapes.shape(r, minRank, 4, 4000);
  }

  /**
   * A random subset of the axes of a tensor of {@code rank} (may be empty when
   * {@code mayBeEmpty}: the public reductions refuse that unless the rank is 0).
   */
  private static int[] axes(Random r, int rank, boolean mayBeEmpty) {
    List<Integer> a = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      if (r.nextBoolean()) {
        a.add(r.nextBoolean() ? i : i - rank); // negative axes count from the end
      }
    }
    if (a.isEmpty() && (!mayBeEmpty || r.nextBoolean()) && rank > 0) {
      a.add(r.nextInt(rank));
    }
    java.util.Collections.shuffle(a, r);
    return a.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String axesText(int[] axes) {
    return Arrays.toString(axes);
  }

  private enum Reduce { SUM, MEAN, MAX, MIN }

  static FuzzCase reduce(Random r, DType dtype) {
    Reduce op = Reduce.values()[r.nextInt(4)];
    int[] shape = shape(r, 0);
    int[] axes = axes(r, shape.length, true);
    boolean keep = r.nextBoolean();
    boolean all = r.nextInt(6) == 0;
    int[] norm = RefMath.normalize(all ? allAxes(shape.length) : axes, shape.length);
    String name = op.name().toLowerCase(java.util.Locale.ROOT);
    Function<Tensor, Tensor> f;
    String describe;
    if (all) {
      keep = false;
      describe = name + "()";
      f = switch (op) {
        case SUM -> Tensor::sum;
        case MEAN -> Tensor::mean;
        case MAX -> Tensor::max;
        case MIN -> Tensor::min;
      };
    } else if (axes.length == 1 && r.nextBoolean()) {
      boolean k = keep;
      int axis = axes[0];
      describe = name + "(" + axis + ", " + keep + ")";
      f = switch (op) {
        case SUM -> t -> t.sum(axis, k);
        case MEAN -> t -> t.mean(axis, k);
        case MAX -> t -> t.max(axis, k);
        case MIN -> t -> t.min(axis, k);
      };
    } else {
      boolean k = keep;
      describe = name + "(" + keep + ", " + axesText(axes) + ")";
      f = switch (op) {
        case SUM -> t -> t.sum(k, axes);
        case MEAN -> t -> t.mean(k, axes);
        case MAX -> t -> t.max(k, axes);
        case MIN -> t -> t.min(k, axes);
      };
    }
    boolean keepDims = keep;
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.WIDE, Dist.SMALL_INT, Dist.RELU, Dist.SPARSE);
    return new FuzzCase(describe, List.of(InputSpec.data("x", dist, shape)),
        in -> f.apply(in.get(0)), in -> {
          Nd x = in.get(0);
          if (!all && axes.length == 0 && shape.length > 0) { // no axes named: refused
            return Expect.refusal(name + ": no axes given for shape " + Arrays.toString(shape),
                "or call " + name + "()");
          }
          int n = RefMath.count(shape, norm);
          if (n == 0) { // nothing to reduce: refused, naming the method called and shape
            return Expect.refusal(op == Reduce.SUM ? "jgrad::sum" : op == Reduce.MEAN
                ? "jgrad::mean" : op == Reduce.MIN ? "min: " : "jgrad::max",
                Arrays.toString(shape));
          }
          if (op == Reduce.SUM || op == Reduce.MEAN) {
            double scale = op == Reduce.MEAN ? 1.0 / n : 1;
            Nd y = RefMath.map(RefMath.sum(x, norm, keepDims), v -> v * scale);
            Nd mag = RefMath.map(RefMath.sum(x.abs(), norm, keepDims), v -> 2 * v * scale);
            return new Expect(y, mag, n, null, null).withBackward(w -> {
              Nd g = RefMath.map(RefMath.spread(w, shape, norm), v -> v * scale);
              return List.of(new Expect.Grad(g, g.abs()));
            });
          }
          double sign = op == Reduce.MAX ? 1 : -1;
          Nd signed = RefMath.map(x, v -> sign * v);
          Nd best = RefMath.max(signed, norm, true);
          Nd y = RefMath.map(RefMath.max(signed, norm, keepDims), v -> sign * v);
          return Expect.exact(y, null).withBackward(w -> {
            Nd at = RefMath.spread(best, shape, norm);
            double[] tie = new double[x.size()];
            for (int i = 0; i < tie.length; i++) {
              tie[i] = signed.v[i] == at.v[i] ? 1 : 0;
            }
            Nd ties = RefMath.spread(RefMath.sum(new Nd(shape, tie), norm, true), shape, norm);
            Nd ws = RefMath.spread(w, shape, norm);
            double[] g = new double[x.size()];
            for (int i = 0; i < g.length; i++) {
              g[i] = tie[i] * ws.v[i] / ties.v[i]; // shared evenly among tied maxima
            }
            Nd gn = new Nd(shape, g);
            return List.of(new Expect.Grad(gn, RefMath.map(gn, v -> 2 * Math.abs(v))));
          });
        });
  }

  private static int[] allAxes(int rank) {
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = i;
    }
    return a;
  }

  /** argmax or argmin along an axis: the first extreme, INT32. */
  static FuzzCase argmax(Random r, DType dtype) {
    int[] shape = shape(r, 1);
    int axis = r.nextInt(shape.length) - (r.nextBoolean() ? shape.length : 0);
    boolean min = r.nextBoolean();
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.SMALL_INT, Dist.SPARSE);
    InputSpec x = new InputSpec("x", shape, InputSpec.Kind.DATA, dist, 0, false);
    return new FuzzCase((min ? "argmin(" : "argmax(") + axis + ")", List.of(x),
        in -> min ? in.get(0).argmin(axis) : in.get(0).argmax(axis), in -> {
          Nd xv = in.get(0);
          int a = axis < 0 ? axis + shape.length : axis;
          if (shape[a] == 0) {
            return Expect.refusal(min ? "argmin: " : "jgrad::argmax", Arrays.toString(shape));
          }
          Along along = new Along(shape, a);
          double[] out = new double[along.slots()];
          for (int s = 0; s < out.length; s++) {
            int at = 0;
            for (int i = 1; i < shape[a]; i++) {
              double v = xv.v[along.at(s, i)];
              double b = xv.v[along.at(s, at)];
              if (min ? v < b : v > b) {
                at = i;
              }
            }
            out[s] = at;
          }
          return Expect.exact(new Nd(RefMath.reducedShape(shape, new int[] {a}, false), out),
              DType.INT32);
        });
  }

  /** The positions along one axis of a shape: slot s (the other axes), entry i of the axis. */
  private record Along(int[] shape, int axis) {
    int inner() {
      int n = 1;
      for (int d = axis + 1; d < shape.length; d++) {
        n *= shape[d];
      }
      return n;
    }

    int slots() {
      int n = 1;
      for (int d = 0; d < shape.length; d++) {
        n *= d == axis ? 1 : shape[d];
      }
      return n;
    }

    int at(int slot, int i) {
      int inner = inner();
      return (slot / inner * shape[axis] + i) * inner + slot % inner;
    }
  }

  private enum Soft { SOFTMAX, LOG_SOFTMAX, LOG_SUM_EXP }

  static FuzzCase softmax(Random r, DType dtype) {
    Soft op = Soft.values()[r.nextInt(3)];
    int[] shape = shape(r, 1);
    int axis = r.nextInt(shape.length) - (r.nextBoolean() ? shape.length : 0);
    boolean keep = r.nextBoolean();
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.WIDE, Dist.SMALL_INT);
    String describe = switch (op) {
      case SOFTMAX -> "softmax(" + axis + ")";
      case LOG_SOFTMAX -> "logSoftmax(" + axis + ")";
      case LOG_SUM_EXP -> "logSumExp(" + axis + ", " + keep + ")";
    };
    return new FuzzCase(describe, List.of(InputSpec.data("x", dist, shape)), in -> switch (op) {
      case SOFTMAX -> in.get(0).softmax(axis);
      case LOG_SOFTMAX -> in.get(0).logSoftmax(axis);
      case LOG_SUM_EXP -> in.get(0).logSumExp(axis, keep);
    }, in -> {
      Nd x = in.get(0);
      int a = axis < 0 ? axis + shape.length : axis;
      if (shape[a] == 0 && op != Soft.SOFTMAX) {
        return Expect.refusal("jgrad::log_sum_exp", Arrays.toString(shape));
      }
      Along along = new Along(shape, a);
      int len = shape[a];
      int slots = along.slots();
      double[] m = new double[slots];
      double[] lse = new double[slots];
      double[] spread = new double[slots]; // max |x| in the slot
      double[] e = new double[x.size()]; // softmax
      for (int s = 0; s < slots; s++) {
        m[s] = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
          m[s] = Math.max(m[s], x.v[along.at(s, i)]);
          spread[s] = Math.max(spread[s], Math.abs(x.v[along.at(s, i)]));
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
          sum += Math.exp(x.v[along.at(s, i)] - m[s]);
        }
        lse[s] = m[s] + Math.log(sum);
        for (int i = 0; i < len; i++) {
          int p = along.at(s, i);
          e[p] = Math.exp(x.v[p] - lse[s]);
        }
      }
      // rounding of x - m (or x - lse) is an absolute error that exp makes relative
      double[] rel = new double[x.size()];
      for (int s = 0; s < slots; s++) {
        for (int i = 0; i < len; i++) {
          rel[along.at(s, i)] = 3 + 2 * spread[s] + Math.abs(lse[s]);
        }
      }
      if (op == Soft.LOG_SUM_EXP) {
        double[] mag = new double[slots];
        for (int s = 0; s < slots; s++) {
          mag[s] = Math.abs(lse[s]) + 2 * spread[s] + 2;
        }
        int[] out = RefMath.reducedShape(shape, new int[] {a}, keep);
        return new Expect(new Nd(out, lse), new Nd(out, mag), len, null, null)
            .withBackward(w -> {
              double[] g = new double[x.size()];
              double[] gm = new double[x.size()];
              for (int s = 0; s < slots; s++) {
                for (int i = 0; i < len; i++) {
                  int p = along.at(s, i);
                  g[p] = w.v[s] * e[p];
                  gm[p] = Math.abs(g[p]) * rel[p];
                }
              }
              return List.of(new Expect.Grad(new Nd(shape, g), new Nd(shape, gm)));
            });
      }
      double[] y = new double[x.size()];
      double[] mag = new double[x.size()];
      for (int s = 0; s < slots; s++) {
        for (int i = 0; i < len; i++) {
          int p = along.at(s, i);
          if (op == Soft.SOFTMAX) {
            y[p] = e[p];
            mag[p] = e[p] * rel[p];
          } else {
            y[p] = x.v[p] - lse[s];
            mag[p] = Math.abs(x.v[p]) + Math.abs(lse[s]) + 2 * spread[s] + 2;
          }
        }
      }
      return new Expect(new Nd(shape, y), new Nd(shape, mag), len, null, null)
          .withBackward(w -> {
            double[] g = new double[x.size()];
            double[] gm = new double[x.size()];
            for (int s = 0; s < slots; s++) {
              double dot = 0; // sum of w * softmax (softmax), or of w (log-softmax)
              double dotMag = 0;
              for (int i = 0; i < len; i++) {
                int p = along.at(s, i);
                double wi = w.v[p];
                dot += op == Soft.SOFTMAX ? wi * e[p] : wi;
                dotMag += op == Soft.SOFTMAX ? Math.abs(wi) * e[p] * rel[p] : Math.abs(wi);
              }
              for (int i = 0; i < len; i++) {
                int p = along.at(s, i);
                double wi = w.v[p];
                if (op == Soft.SOFTMAX) {
                  g[p] = e[p] * (wi - dot);
                  gm[p] = e[p] * rel[p] * (Math.abs(wi) + dotMag) + e[p] * dotMag;
                } else {
                  g[p] = wi - e[p] * dot;
                  gm[p] = Math.abs(wi) + e[p] * rel[p] * dotMag;
                }
              }
            }
            return List.of(new Expect.Grad(new Nd(shape, g), new Nd(shape, gm)));
          });
    });
  }

  /** var or std over random axes, correction 0 or 1. */
  static FuzzCase variance(Random r, DType dtype) {
    boolean std = r.nextBoolean();
    int[] shape = shape(r, 1);
    int[] axes = axes(r, shape.length, false);
    int[] norm = RefMath.normalize(axes, shape.length);
    int n = RefMath.count(shape, norm);
    if (n < 2) { // make room for a correction and a positive deviation
      shape[norm[0]] += 2;
      n = RefMath.count(shape, norm);
    }
    int correction = r.nextInt(2);
    boolean keep = r.nextBoolean();
    boolean oneAxis = axes.length == 1 && correction == 1 && r.nextBoolean();
    String name = std ? "std" : "var";
    String describe = oneAxis ? name + "(" + axes[0] + ", " + keep + ")"
        : name + "(" + keep + ", " + correction + ", " + axesText(axes) + ")";
    Function<Tensor, Tensor> f = oneAxis
        ? (std ? t -> t.std(axes[0], keep) : t -> t.var(axes[0], keep))
        : (std ? t -> t.std(keep, correction, axes) : t -> t.var(keep, correction, axes));
    int count = n;
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.WIDE);
    InputSpec spec = InputSpec.data("x", dist, shape);
    // std's gradient is singular where the deviation is 0, as an expanded view can make it
    return new FuzzCase(describe, List.of(std ? spec.dense() : spec),
        in -> f.apply(in.get(0)), in -> {
          Nd x = in.get(0);
          double dof = count - correction;
          Nd mean = RefMath.map(RefMath.sum(x, norm, true), v -> v / count);
          Nd meanAbs = RefMath.map(RefMath.sum(x.abs(), norm, true), v -> v / count);
          Nd mu = RefMath.spread(mean, shape, norm);
          Nd muAbs = RefMath.spread(meanAbs, shape, norm);
          double[] d = new double[x.size()];
          double[] dm = new double[x.size()]; // the size of d's terms: |d| + |x| + mean |x|
          for (int i = 0; i < d.length; i++) {
            d[i] = x.v[i] - mu.v[i];
            dm[i] = Math.abs(d[i]) + Math.abs(x.v[i]) + muAbs.v[i];
          }
          Nd dn = new Nd(shape, d);
          Nd dmn = new Nd(shape, dm);
          Nd var = RefMath.map(RefMath.sum(RefMath.zip(dn, dn, (p, q) -> p * q), norm, keep),
              v -> v / dof);
          Nd varMag = RefMath.map(RefMath.sum(RefMath.zip(dmn, dmn, (p, q) -> p * q), norm,
              keep), v -> 2 * v / dof);
          Nd value = std ? RefMath.map(var, Math::sqrt) : var;
          Nd mag = std ? RefMath.zip(value, varMag, (s, vm) -> s + vm / (2 * s)) : varMag;
          return new Expect(value, mag, count, null, null).withBackward(w -> {
            Nd ws = RefMath.spread(w.reshape(RefMath.reducedShape(shape, norm, true)), shape,
                norm);
            Nd sd = RefMath.spread(value.reshape(RefMath.reducedShape(shape, norm, true)), shape,
                norm);
            Nd vm = RefMath.spread(varMag.reshape(RefMath.reducedShape(shape, norm, true)),
                shape, norm);
            // the mean's path adds (1/n) sum(2 g d)/dof, zero up to its rounding
            Nd pathMag = RefMath.spread(RefMath.map(RefMath.sum(RefMath.zip(
                RefMath.map(ws, Math::abs), dmn, (p, q) -> p * q), norm, true),
                v -> 2 * v / (count * dof)), shape, norm);
            double[] g = new double[x.size()];
            double[] gm = new double[x.size()];
            for (int i = 0; i < g.length; i++) {
              double gv = 2 * ws.v[i] * d[i] / dof;
              double gvm = 2 * Math.abs(ws.v[i]) * dm[i] / dof + pathMag.v[i];
              if (std) {
                double s = sd.v[i];
                g[i] = gv / (2 * s);
                gm[i] = (gvm + Math.abs(gv) * vm.v[i] / (s * s)) / (2 * s);
              } else {
                g[i] = gv;
                gm[i] = gvm;
              }
            }
            return List.of(new Expect.Grad(new Nd(shape, g), new Nd(shape, gm)));
          });
        });
  }
}
