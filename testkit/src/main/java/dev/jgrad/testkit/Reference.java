package dev.jgrad.testkit;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.Erf;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;

/**
 * What every primitive should compute, as plain loops in double precision on the values the
 * dtype stores. The rules beyond IEEE arithmetic: RELU keeps NaN, STEP keeps NaN, MAXIMUM and
 * MINIMUM give NaN when either input is NaN (as {@link Math#max}), and MAX and ARGMAX propagate
 * the first NaN of the reduced axis (otherwise ARGMAX is the first maximum).
 */
final class Reference {
  private Reference() {}

  static double unary(UnaryOp op, double x) {
    return switch (op) {
      case NEG -> -x;
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case ABS -> Math.abs(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1 / (1 + Math.exp(-x));
      case RELU -> Math.max(x, 0);
      case STEP -> x > 0 ? 1 : Double.isNaN(x) ? x : 0;
      case SIN -> StrictMath.sin(x);
      case COS -> StrictMath.cos(x);
      case LOG1P -> StrictMath.log1p(x);
      case EXPM1 -> StrictMath.expm1(x);
      case ERF -> Erf.erf(x);
    };
  }

  static double binary(BinaryOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> Math.pow(a, b);
      case MAXIMUM -> Math.max(a, b);
      case MINIMUM -> Math.min(a, b);
      case GREATER -> a > b ? 1 : 0;
      case EQUAL -> a == b ? 1 : 0;
    };
  }

  /** The textbook definition: for each output index, the input index with broadcast dims at 0. */
  static double[] broadcast(BinaryOp op, double[] a, Shape aShape, double[] b, Shape bShape,
      Shape outShape) {
    int[] dims = outShape.dims();
    double[] out = new double[outShape.intSize()];
    int[] index = new int[dims.length];
    for (int flat = 0; flat < out.length; flat++) {
      int rest = flat;
      for (int d = dims.length - 1; d >= 0; d--) {
        index[d] = rest % dims[d];
        rest /= dims[d];
      }
      out[flat] = binary(op, a[offset(aShape, index)], b[offset(bShape, index)]);
    }
    return out;
  }

  private static int offset(Shape s, int[] outIndex) {
    int[] dims = s.dims();
    int shift = outIndex.length - dims.length;
    int off = 0;
    for (int d = 0; d < dims.length; d++) {
      off = off * dims[d] + (dims[d] == 1 ? 0 : outIndex[d + shift]);
    }
    return off;
  }

  /** {@code out[m, n] = op(a) op(b)}; a stored {@code [k, m]} when transposed, b {@code [n, k]}. */
  static double[] matmul(double[] a, boolean transA, double[] b, boolean transB, int m, int n,
      int k) {
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        }
        out[i * n + j] = sum;
      }
    }
    return out;
  }

  /** The middle axis of {@code [outer, axis, inner]} reduced. */
  static double[] reduce(ReduceOp op, double[] x, int outer, int axis, int inner) {
    double[] out = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double sum = 0;
        double best = 0;
        int at = -1;
        for (int a = 0; a < axis; a++) {
          double v = x[(o * axis + a) * inner + j];
          sum += v;
          if (at < 0 || (!Double.isNaN(best) && (Double.isNaN(v) || v > best))) {
            best = v; // the first NaN sticks; otherwise the first strict maximum
            at = a;
          }
        }
        out[o * inner + j] = switch (op) {
          case SUM -> sum;
          case MAX -> best;
          case ARGMAX -> at;
        };
      }
    }
    return out;
  }

  /** {@code [batch, rows, cols]} to {@code [batch, cols, rows]}. */
  static double[] transpose(double[] x, int batch, int rows, int cols) {
    double[] out = new double[x.length];
    for (int q = 0; q < batch; q++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          out[(q * cols + c) * rows + r] = x[(q * rows + r) * cols + c];
        }
      }
    }
    return out;
  }

  /** {@code dst} after copying {@code count} slices of the middle axis from {@code src}. */
  static double[] copyAxisRange(double[] src, int srcAxis, int srcStart, double[] dst,
      int dstAxis, int dstStart, int outer, int count, int inner) {
    double[] out = dst.clone();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < count; i++) {
        System.arraycopy(src, (o * srcAxis + srcStart + i) * inner, out,
            (o * dstAxis + dstStart + i) * inner, inner);
      }
    }
    return out;
  }

  static double[] indexSelect(double[] src, int outer, int axis, int inner, double[] indices) {
    int count = indices.length;
    double[] out = new double[outer * count * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < count; i++) {
        System.arraycopy(src, (o * axis + (int) indices[i]) * inner, out, (o * count + i) * inner,
            inner);
      }
    }
    return out;
  }

  /** {@code dst} after adding the slices of {@code src} at {@code indices}. */
  static double[] indexAdd(double[] src, double[] indices, double[] dst, int outer, int axis,
      int inner) {
    int count = indices.length;
    double[] out = dst.clone();
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < inner; j++) {
          out[(o * axis + (int) indices[i]) * inner + j] += src[(o * count + i) * inner + j];
        }
      }
    }
    return out;
  }

  static double[] oneHot(double[] indices, int classes) {
    double[] out = new double[indices.length * classes];
    for (int r = 0; r < indices.length; r++) {
      out[r * classes + (int) indices[r]] = 1;
    }
    return out;
  }

  /** One Adam step ({@link dev.jgrad.api.FusedAdam}) in double: {param, m, v}. */
  static double[][] adam(double[] param, double[] grad, double[] m, double[] v, double beta1,
      double beta2, double eps, double lrT) {
    double[] p = new double[param.length];
    double[] m2 = new double[param.length];
    double[] v2 = new double[param.length];
    for (int i = 0; i < p.length; i++) {
      m2[i] = m[i] + (1 - beta1) * (grad[i] - m[i]);
      v2[i] = v[i] + (1 - beta2) * (grad[i] * grad[i] - v[i]);
      p[i] = param[i] - lrT * m2[i] / (Math.sqrt(v2[i]) + eps);
    }
    return new double[][] {p, m2, v2};
  }

  /** One AdamW step ({@link dev.jgrad.api.FusedAdamW}) in double: {param, m, v}. */
  static double[][] adamw(double[] param, double[] grad, double[] m, double[] v, double beta1,
      double beta2, double eps, double decay, double biasRoot, double step) {
    double[] p = new double[param.length];
    double[] m2 = new double[param.length];
    double[] v2 = new double[param.length];
    for (int i = 0; i < p.length; i++) {
      m2[i] = m[i] + (1 - beta1) * (grad[i] - m[i]);
      v2[i] = v[i] + (1 - beta2) * (grad[i] * grad[i] - v[i]);
      p[i] = param[i] * decay + step * m2[i] / (Math.sqrt(v2[i]) / biasRoot + eps);
    }
    return new double[][] {p, m2, v2};
  }

  /** One SGD step ({@link dev.jgrad.api.FusedSgd}): {param, velocity}; velocity may be null. */
  static double[][] sgd(double[] param, double[] grad, double[] velocity, double lr,
      double momentum, double weightDecay) {
    double[] p = new double[param.length];
    double[] v = velocity == null ? null : new double[param.length];
    for (int i = 0; i < p.length; i++) {
      double step = grad[i] + weightDecay * param[i];
      if (v != null) {
        v[i] = momentum * velocity[i] + step;
        step = v[i];
      }
      p[i] = param[i] - lr * step;
    }
    return new double[][] {p, v};
  }
}
