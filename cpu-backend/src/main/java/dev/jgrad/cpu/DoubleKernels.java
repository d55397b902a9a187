package dev.jgrad.cpu;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;

/**
 * Elementwise loops over {@code double[]} ranges. The switch on the op is outside each loop so every
 * loop body is a single simple expression the JIT can unroll and vectorize; a per-element lambda
 * would be megamorphic and an order of magnitude slower. {@link FloatKernels} is the same for
 * {@code float[]} (Java has no generics over primitives, so the twin is deliberate).
 */
final class DoubleKernels {
  private DoubleKernels() {}

  /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
  static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
    switch (op) {
      case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
      case EXP -> { for (int i = from; i < to; i++) out[i] = Math.exp(x[i]); }
      case LOG -> { for (int i = from; i < to; i++) out[i] = Math.log(x[i]); }
      case SQRT -> { for (int i = from; i < to; i++) out[i] = Math.sqrt(x[i]); }
      case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
      case TANH -> { for (int i = from; i < to; i++) out[i] = Math.tanh(x[i]); }
      // 1 / (1 + e^-x) in double: e^-x overflows to infinity for very negative x, giving 0, not NaN.
      case SIGMOID -> {
        for (int i = from; i < to; i++) out[i] = 1.0 / (1.0 + Math.exp(-x[i]));
      }
      // Math.max keeps NaN visible instead of silently turning it into 0.
      case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0.0); }
      case STEP -> { for (int i = from; i < to; i++) out[i] = x[i] > 0.0 ? 1.0 : 0.0; }
      default -> throw new UnsupportedOperationException("unary: op " + op + " is not implemented");
    }
  }

  /** {@code out[o + i] = op(a[aOff + i], b[bOff + i])} for {@code i < len}. */
  static void vectorVector(BinaryOp op, double[] a, int aOff, double[] b, int bOff, double[] out,
      int o, int len) {
    int d = aOff - o;
    int e = bOff - o;
    int end = o + len;
    switch (op) {
      case ADD -> { for (int i = o; i < end; i++) out[i] = a[i + d] + b[i + e]; }
      case SUB -> { for (int i = o; i < end; i++) out[i] = a[i + d] - b[i + e]; }
      case MUL -> { for (int i = o; i < end; i++) out[i] = a[i + d] * b[i + e]; }
      case DIV -> { for (int i = o; i < end; i++) out[i] = a[i + d] / b[i + e]; }
      case POW -> { for (int i = o; i < end; i++) out[i] = Math.pow(a[i + d], b[i + e]); }
      case MAXIMUM -> { for (int i = o; i < end; i++) out[i] = Math.max(a[i + d], b[i + e]); }
      case MINIMUM -> { for (int i = o; i < end; i++) out[i] = Math.min(a[i + d], b[i + e]); }
      case GREATER -> { for (int i = o; i < end; i++) out[i] = a[i + d] > b[i + e] ? 1.0 : 0.0; }
      case EQUAL -> { for (int i = o; i < end; i++) out[i] = a[i + d] == b[i + e] ? 1.0 : 0.0; }
      default -> throw new UnsupportedOperationException("binary: op " + op + " is not implemented");
    }
  }

  /** {@code out[o + i] = op(a[aOff + i], s)} for {@code i < len}. */
  static void vectorScalar(BinaryOp op, double[] a, int aOff, double s, double[] out, int o,
      int len) {
    int d = aOff - o;
    int end = o + len;
    switch (op) {
      case ADD -> { for (int i = o; i < end; i++) out[i] = a[i + d] + s; }
      case SUB -> { for (int i = o; i < end; i++) out[i] = a[i + d] - s; }
      case MUL -> { for (int i = o; i < end; i++) out[i] = a[i + d] * s; }
      case DIV -> { for (int i = o; i < end; i++) out[i] = a[i + d] / s; }
      case POW -> vectorPow(a, d, s, out, o, end);
      case MAXIMUM -> { for (int i = o; i < end; i++) out[i] = Math.max(a[i + d], s); }
      case MINIMUM -> { for (int i = o; i < end; i++) out[i] = Math.min(a[i + d], s); }
      case GREATER -> { for (int i = o; i < end; i++) out[i] = a[i + d] > s ? 1.0 : 0.0; }
      case EQUAL -> { for (int i = o; i < end; i++) out[i] = a[i + d] == s ? 1.0 : 0.0; }
      default -> throw new UnsupportedOperationException("binary: op " + op + " is not implemented");
    }
  }

  /** {@code out[o + i] = op(s, b[bOff + i])} for {@code i < len}. */
  static void scalarVector(BinaryOp op, double s, double[] b, int bOff, double[] out, int o,
      int len) {
    int e = bOff - o;
    int end = o + len;
    switch (op) {
      case SUB -> { for (int i = o; i < end; i++) out[i] = s - b[i + e]; }
      case DIV -> { for (int i = o; i < end; i++) out[i] = s / b[i + e]; }
      case POW -> { for (int i = o; i < end; i++) out[i] = Math.pow(s, b[i + e]); }
      case GREATER -> { for (int i = o; i < end; i++) out[i] = s > b[i + e] ? 1.0 : 0.0; }
      // The rest commute.
      default -> vectorScalar(op, b, bOff, s, out, o, len);
    }
  }

  /** x^s with the common exponents done without Math.pow, which is slow. */
  private static void vectorPow(double[] a, int d, double s, double[] out, int o, int end) {
    if (s == 2.0) {
      for (int i = o; i < end; i++) out[i] = a[i + d] * a[i + d];
    } else if (s == 1.0) {
      for (int i = o; i < end; i++) out[i] = a[i + d];
    } else {
      for (int i = o; i < end; i++) out[i] = Math.pow(a[i + d], s);
    }
  }
}
