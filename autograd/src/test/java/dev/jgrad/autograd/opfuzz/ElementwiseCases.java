package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Elementwise cases: unary ops and ops with a scalar, binary ops with NumPy broadcasting
 * (arithmetic, comparisons, where) and conversions between the float dtypes.
 */
final class ElementwiseCases {
  private ElementwiseCases() {}

  /**
   * One unary op: its values and derivative in double, the magnitude of its result's terms (from
   * x and y; null: computed exactly), and that of its gradient's as a multiple of {@code |g|}.
   */
  private record Unary(String name, Dist[] dists, Function<Tensor, Tensor> op,
      DoubleUnaryOperator f, DoubleBinaryOperator derivative, DoubleBinaryOperator mag,
      boolean grad, DoubleBinaryOperator gradMag) {}

  /** One rounding of the result, and another of an intermediate of its size. */
  private static final DoubleBinaryOperator ROUNDED = (x, y) -> 2 * Math.abs(y);

  private static Dist[] d(Dist... dists) {
    return dists;
  }

  /** A shape for an elementwise case: a large one now and then, to cross the parallel split. */
  private static int[] shape(Random r) {
    return r.nextInt(24) == 0 ? Shapes.big(r, 1 + r.nextInt(3)) : Shapes.shape(r, 0, 4, 3000);
  }

  private static Unary drawUnary(Random r) {
    Dist[] any = d(Dist.NORMAL, Dist.WIDE, Dist.SMALL_INT, Dist.RELU);
    DoubleBinaryOperator one = (x, y) -> 1;
    switch (r.nextInt(17)) {
      case 0:
        return new Unary("neg", any, Tensor::neg, x -> -x, (x, y) -> -1, null, true, one);
      case 1:
        return new Unary("exp", d(Dist.NORMAL, Dist.SMALL_INT, Dist.RELU), Tensor::exp, Math::exp,
            (x, y) -> y, ROUNDED, true, (x, y) -> 2 * Math.abs(y));
      case 2:
        return new Unary("log", d(Dist.POSITIVE, Dist.PROBABILITY), Tensor::log, Math::log,
            (x, y) -> 1 / x, ROUNDED, true, (x, y) -> 2 / Math.abs(x));
      case 3:
        return new Unary("sqrt", d(Dist.POSITIVE, Dist.PROBABILITY), Tensor::sqrt, Math::sqrt,
            (x, y) -> 0.5 / y, ROUNDED, true, (x, y) -> 2 / Math.abs(y));
      case 4:
        return new Unary("abs", any, Tensor::abs, Math::abs, (x, y) -> Math.signum(x), null,
            true, one);
      case 5:
        return new Unary("sigmoid", any, Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)),
            (x, y) -> y * (1 - y), ROUNDED, true, (x, y) -> 2 * Math.abs(y) * (1 + Math.abs(y)));
      case 6:
        return new Unary("tanh", any, Tensor::tanh, Math::tanh, (x, y) -> 1 - y * y, ROUNDED,
            true, (x, y) -> 2 * (1 + y * y));
      case 7:
        return new Unary("relu", any, Tensor::relu, x -> Math.max(x, 0), (x, y) -> x > 0 ? 1 : 0,
            null, true, one);
      case 8: {
        double alpha = new double[] {0.01, 0.1, 0.5, 1, 1.5, -0.3, 0}[r.nextInt(7)];
        return new Unary("leakyRelu(" + alpha + ")", any, t -> t.leakyRelu(alpha),
            x -> x > 0 ? x : alpha * x, (x, y) -> x > 0 ? 1 : alpha, ROUNDED, true,
            (x, y) -> 2 * (1 + Math.abs(alpha)));
      }
      case 9:
        return new Unary("step", any, Tensor::step, x -> x > 0 ? 1 : 0, null, null, false, null);
      case 10:
        return new Unary("identity", any, Tensor::identity, x -> x, (x, y) -> 1, null, true, one);
      case 11: {
        boolean whole = r.nextBoolean();
        double p = whole ? r.nextInt(4) : new double[] {0.5, 1.5, -1, -2, 2.5}[r.nextInt(5)];
        return new Unary("pow(" + p + ")", whole ? d(Dist.NORMAL, Dist.SMALL_INT, Dist.RELU)
            : d(Dist.POSITIVE), t -> t.pow(p), x -> Math.pow(x, p),
            (x, y) -> p * Math.pow(x, p - 1), ROUNDED, true,
            (x, y) -> 3 * Math.abs(p * Math.pow(x, p - 1)));
      }
      case 12: {
        // bounds a float holds: a FLOAT32 tensor is clamped to its bounds rounded to float
        double lo = r.nextBoolean() ? r.nextInt(5) - 2 : (float) r.nextGaussian();
        double hi = r.nextInt(4) == 0 ? lo
            : (float) (lo + Math.abs(r.nextGaussian()) + r.nextInt(2));
        int side = r.nextInt(3);
        double lower = side == 2 ? Double.NEGATIVE_INFINITY : lo;
        double upper = side == 1 ? Double.POSITIVE_INFINITY : hi;
        String name = side == 0 ? "clamp(" + lo + ", " + hi + ")"
            : side == 1 ? "clampMin(" + lo + ")" : "clampMax(" + hi + ")";
        Function<Tensor, Tensor> op = side == 0 ? t -> t.clamp(lo, hi)
            : side == 1 ? t -> t.clampMin(lo) : t -> t.clampMax(hi);
        return new Unary(name, any, op, x -> Math.min(Math.max(x, lower), upper),
            (x, y) -> x >= lower && x <= upper ? 1 : 0, null, true, one);
      }
      case 13: {
        double c = r.nextBoolean() ? r.nextInt(7) - 3 : r.nextGaussian() * 3;
        boolean sub = r.nextBoolean();
        return new Unary((sub ? "sub(" : "add(") + c + ")", any,
            sub ? t -> t.sub(c) : t -> t.add(c), sub ? x -> x - c : x -> x + c, (x, y) -> 1,
            (x, y) -> Math.abs(x) + Math.abs(c), true, one);
      }
      case 14: {
        double c = r.nextBoolean() ? r.nextInt(7) - 3 : r.nextGaussian() * 3;
        return new Unary("mul(" + c + ")", any, t -> t.mul(c), x -> x * c, (x, y) -> c, ROUNDED,
            true, (x, y) -> Math.abs(c));
      }
      case 15: {
        double c = Dist.AWAY.draw(r);
        return new Unary("div(" + c + ")", any, t -> t.div(c), x -> x / c, (x, y) -> 1 / c,
            ROUNDED, true, (x, y) -> 2 / Math.abs(c));
      }
      default:
        return new Unary("copy", any, Tensor::copy, x -> x, (x, y) -> 1, null, true, one);
    }
  }

  static FuzzCase unary(Random r, DType dtype) {
    Unary u = drawUnary(r);
    int[] shape = shape(r);
    Dist dist = Dist.any(r, u.dists());
    InputSpec x = new InputSpec("x", shape, InputSpec.Kind.DATA, dist, 0, u.grad());
    return new FuzzCase(u.name(), List.of(x), in -> u.op().apply(in.get(0)), in -> {
      Nd xv = in.get(0);
      Nd y = RefMath.map(xv, u.f());
      Nd mag = u.mag() == null ? Nd.zeros(shape)
          : RefMath.map(xv, v -> u.mag().applyAsDouble(v, u.f().applyAsDouble(v)));
      Expect e = new Expect(y, mag, 1, null, null);
      if (!u.grad()) {
        return e;
      }
      return e.withBackward(w -> {
        double[] g = new double[w.size()];
        double[] m = new double[w.size()];
        for (int i = 0; i < g.length; i++) {
          g[i] = w.v[i] * u.derivative().applyAsDouble(xv.v[i], y.v[i]);
          m[i] = Math.abs(w.v[i]) * u.gradMag().applyAsDouble(xv.v[i], y.v[i]);
        }
        return List.of(new Expect.Grad(new Nd(shape, g), new Nd(shape, m)));
      });
    });
  }

  /** FLOAT32 to FLOAT64 or back: rounded to the target, the gradient converted back. */
  static FuzzCase convert(Random r, DType dtype) {
    DType target = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
    int[] shape = shape(r);
    InputSpec x = InputSpec.data("x", Dist.any(r, Dist.NORMAL, Dist.WIDE), shape);
    return new FuzzCase("to(" + target + ")", List.of(x), in -> in.get(0).to(target), in -> {
      Nd xv = in.get(0);
      Nd mag = target == DType.FLOAT32 ? xv.abs() : Nd.zeros(shape);
      return new Expect(xv, mag, 1, target, null).withBackward(w -> List.of(new Expect.Grad(w,
          dtype == DType.FLOAT32 ? w.abs() : Nd.zeros(shape))));
    });
  }

  /** One broadcast binary op: values, each gradient and their magnitudes. */
  private enum Binary { ADD, SUB, MUL, DIV, GREATER, EQ }

  static FuzzCase binary(Random r, DType dtype) {
    Binary op = Binary.values()[r.nextInt(Binary.values().length)];
    int[] out = shape(r);
    int[] as = r.nextInt(3) == 0 ? out : Shapes.broadcastable(r, out);
    int[] bs = r.nextInt(3) == 0 ? out : Shapes.broadcastable(r, out);
    if (r.nextBoolean()) { // either side may be the smaller one
      int[] t = as;
      as = bs;
      bs = t;
    }
    boolean compare = op == Binary.GREATER || op == Binary.EQ;
    Dist da = compare ? Dist.any(r, Dist.SMALL_INT, Dist.RELU) : Dist.any(r, Dist.NORMAL,
        Dist.WIDE, Dist.SMALL_INT, Dist.SPARSE, Dist.SPECIAL);
    Dist db = op == Binary.DIV ? Dist.AWAY : da;
    List<InputSpec> specs = List.of(new InputSpec("a", as, InputSpec.Kind.DATA, da, 0, !compare),
        new InputSpec("b", bs, InputSpec.Kind.DATA, db, 0, !compare));
    Function<List<Tensor>, Tensor> run = in -> switch (op) {
      case ADD -> in.get(0).add(in.get(1));
      case SUB -> in.get(0).sub(in.get(1));
      case MUL -> in.get(0).mul(in.get(1));
      case DIV -> in.get(0).div(in.get(1));
      case GREATER -> in.get(0).greater(in.get(1));
      case EQ -> in.get(0).eq(in.get(1));
    };
    return new FuzzCase(op.name().toLowerCase(java.util.Locale.ROOT), specs, run, in -> {
      Nd a = in.get(0);
      Nd b = in.get(1);
      Nd y = RefMath.zip(a, b, switch (op) {
        case ADD -> Double::sum;
        case SUB -> (x, z) -> x - z;
        case MUL -> (x, z) -> x * z;
        case DIV -> (x, z) -> x / z;
        case GREATER -> (x, z) -> x > z ? 1 : 0;
        case EQ -> (x, z) -> x == z ? 1 : 0;
      });
      if (compare) {
        return Expect.exact(y, null);
      }
      Nd mag = RefMath.zip(a, b, switch (op) {
        case ADD, SUB -> (x, z) -> Math.abs(x) + Math.abs(z);
        case MUL -> (x, z) -> Math.abs(x * z);
        default -> (x, z) -> 2 * Math.abs(x / z);
      });
      double length = (double) y.size() / Math.min(a.size(), b.size());
      return new Expect(y, mag, length, null, null).withBackward(w -> {
        Nd wa = RefViews.broadcast(a, w.shape);
        Nd wb = RefViews.broadcast(b, w.shape);
        double[] ga = new double[w.size()];
        double[] gb = new double[w.size()];
        double[] ma = new double[w.size()];
        double[] mb = new double[w.size()];
        for (int i = 0; i < ga.length; i++) {
          double g = w.v[i];
          double x = wa.v[i];
          double z = wb.v[i];
          switch (op) {
            case ADD, SUB -> {
              ga[i] = g;
              gb[i] = op == Binary.ADD ? g : -g;
              ma[i] = Math.abs(g);
              mb[i] = Math.abs(g);
            }
            case MUL -> {
              ga[i] = g * z;
              gb[i] = g * x;
              ma[i] = Math.abs(g * z);
              mb[i] = Math.abs(g * x);
            }
            default -> {
              ga[i] = g / z;
              gb[i] = -g * x / (z * z);
              ma[i] = 2 * Math.abs(g / z);
              mb[i] = 3 * Math.abs(g * x / (z * z));
            }
          }
        }
        return List.of(
            new Expect.Grad(RefViews.sumTo(new Nd(w.shape, ga), a.shape),
                RefViews.sumTo(new Nd(w.shape, ma), a.shape)),
            new Expect.Grad(RefViews.sumTo(new Nd(w.shape, gb), b.shape),
                RefViews.sumTo(new Nd(w.shape, mb), b.shape)));
      });
    });
  }

  /** {@code a op a}: one tensor (often a view) as both operands, its gradients added. */
  static FuzzCase self(Random r, DType dtype) {
    Binary op = Binary.values()[r.nextInt(4)];
    int[] shape = shape(r);
    InputSpec a = InputSpec.data("a", op == Binary.DIV ? Dist.AWAY : Dist.NORMAL, shape);
    return new FuzzCase(op.name().toLowerCase(java.util.Locale.ROOT) + " of a with itself",
        List.of(a), in -> switch (op) {
          case ADD -> in.get(0).add(in.get(0));
          case SUB -> in.get(0).sub(in.get(0));
          case MUL -> in.get(0).mul(in.get(0));
          default -> in.get(0).div(in.get(0));
        }, in -> {
          Nd x = in.get(0);
          Nd y = RefMath.map(x, v -> switch (op) {
            case ADD -> v + v;
            case SUB -> v - v;
            case MUL -> v * v;
            default -> v / v;
          });
          Nd mag = RefMath.map(x, v -> 2 * Math.abs(op == Binary.MUL ? v * v : v));
          return new Expect(y, mag, 1, null, null).withBackward(w -> {
            Nd g = RefMath.zip(w, x, (wi, v) -> switch (op) {
              case ADD -> 2 * wi;
              case SUB, DIV -> 0; // 1/a - a/a^2, exactly 0 in reals
              default -> 2 * wi * v;
            });
            Nd gm = RefMath.zip(w, x, (wi, v) -> 3 * Math.abs(op == Binary.MUL ? wi * v
                : op == Binary.DIV ? wi / v : wi));
            return List.of(new Expect.Grad(g, gm));
          });
        });
  }

  /** {@code where(cond, a, b)}, all three broadcast; cond of the float dtype or INT32. */
  static FuzzCase where(Random r, DType dtype) {
    int[] out = shape(r);
    int[][] s = new int[3][];
    for (int i = 0; i < 3; i++) {
      s[i] = r.nextInt(3) == 0 ? out : Shapes.broadcastable(r, out);
    }
    InputSpec cond = r.nextBoolean() ? InputSpec.index("cond", 2, s[0])
        : InputSpec.constant("cond", Dist.any(r, Dist.RELU, Dist.SMALL_INT, Dist.SPARSE), s[0]);
    List<InputSpec> specs = List.of(cond, InputSpec.data("a", Dist.NORMAL, s[1]),
        InputSpec.data("b", Dist.WIDE, s[2]));
    return new FuzzCase("where", specs, in -> Tensor.where(in.get(0), in.get(1), in.get(2)),
        in -> {
          Nd c = in.get(0);
          Nd a = in.get(1);
          Nd b = in.get(2);
          int[] shape = RefViews.broadcastShape(RefViews.broadcastShape(c.shape, a.shape),
              b.shape);
          Nd cb = RefViews.broadcast(c, shape);
          Nd ab = RefViews.broadcast(a, shape);
          Nd bb = RefViews.broadcast(b, shape);
          double[] y = new double[cb.size()];
          for (int i = 0; i < y.length; i++) {
            y[i] = cb.v[i] != 0 ? ab.v[i] : bb.v[i];
          }
          // selected exactly; the gradients are sums over the broadcast axes
          return new Expect(new Nd(shape, y), Nd.zeros(shape), y.length, null, null)
              .withBackward(w -> {
                double[] ga = new double[w.size()];
                double[] gb = new double[w.size()];
                for (int i = 0; i < ga.length; i++) {
                  ga[i] = cb.v[i] != 0 ? w.v[i] : 0;
                  gb[i] = cb.v[i] != 0 ? 0 : w.v[i];
                }
                Nd gaN = new Nd(shape, ga);
                Nd gbN = new Nd(shape, gb);
                return Arrays.asList(null,
                    new Expect.Grad(RefViews.sumTo(gaN, a.shape),
                        RefViews.sumTo(gaN.abs(), a.shape)),
                    new Expect.Grad(RefViews.sumTo(gbN, b.shape),
                        RefViews.sumTo(gbN.abs(), b.shape)));
              });
        });
  }
}
