package dev.jgrad.cpu;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.UnaryOp;

/**
 * Elementwise loops over {@code double[]} ranges; {@link FloatKernels} is the same for the other
 * dtype (Java has no generics over primitives, so the twin is deliberate). Every loop sits alone
 * in a small method, and each binary loop comes twice: C2 (JDK 17) vectorizes a loop only when it
 * can rule out overlap between the stores and the loads, which it can when every array is indexed
 * by the same {@code i} (even if {@code out} is an input, as in place) but not with different
 * offsets. So when the offsets are equal (same-shape ops, scalars, {@code [m,n] op [m,1]} rows)
 * the same-index loop runs, measured 3 to 4 times faster than the offset loop that other runs
 * ({@code [m,n] op [n]} rows) use.
 */
final class DoubleKernels {
  private DoubleKernels() {}

  /** {@code out[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
  static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
    switch (op) {
      case NEG -> neg(x, out, from, to);
      case EXP -> exp(x, out, from, to);
      case LOG -> log(x, out, from, to);
      case SQRT -> sqrt(x, out, from, to);
      case ABS -> abs(x, out, from, to);
      case TANH -> tanh(x, out, from, to);
      case SIGMOID -> sigmoid(x, out, from, to);
      case RELU -> relu(x, out, from, to);
      case STEP -> step(x, out, from, to);
      default -> throw new UnsupportedOperationException("unary " + op);
    }
  }

  /** {@code out[o + i] = op(a[aOff + i], b[bOff + i])} for {@code i < len}. */
  static void vectorVector(
      BinaryOp op, double[] a, int aOff, double[] b, int bOff, double[] out, int o,
      int len) {
    switch (op) {
      case ADD -> addVV(a, aOff, b, bOff, out, o, len);
      case SUB -> subVV(a, aOff, b, bOff, out, o, len);
      case MUL -> mulVV(a, aOff, b, bOff, out, o, len);
      case DIV -> divVV(a, aOff, b, bOff, out, o, len);
      case POW -> powVV(a, aOff, b, bOff, out, o, len);
      case MAXIMUM -> maxVV(a, aOff, b, bOff, out, o, len);
      case MINIMUM -> minVV(a, aOff, b, bOff, out, o, len);
      case GREATER -> greaterVV(a, aOff, b, bOff, out, o, len);
      case EQUAL -> equalVV(a, aOff, b, bOff, out, o, len);
      default -> throw new UnsupportedOperationException("binary " + op);
    }
  }

  /** {@code out[o + i] = op(a[aOff + i], s)} for {@code i < len}. */
  static void vectorScalar(
      BinaryOp op, double[] a, int aOff, double s, double[] out, int o, int len) {
    switch (op) {
      case ADD -> addVS(a, aOff, s, out, o, len);
      case SUB -> subVS(a, aOff, s, out, o, len);
      case MUL -> mulVS(a, aOff, s, out, o, len);
      case DIV -> divVS(a, aOff, s, out, o, len);
      case POW -> powVS(a, aOff, s, out, o, len);
      case MAXIMUM -> maxVS(a, aOff, s, out, o, len);
      case MINIMUM -> minVS(a, aOff, s, out, o, len);
      case GREATER -> greaterVS(a, aOff, s, out, o, len);
      case EQUAL -> equalVS(a, aOff, s, out, o, len);
      default -> throw new UnsupportedOperationException("binary " + op);
    }
  }

  /** {@code out[o + i] = op(s, b[bOff + i])} for {@code i < len}. */
  static void scalarVector(
      BinaryOp op, double s, double[] b, int bOff, double[] out, int o, int len) {
    switch (op) {
      case SUB -> subSV(s, b, bOff, out, o, len);
      case DIV -> divSV(s, b, bOff, out, o, len);
      case POW -> powSV(s, b, bOff, out, o, len);
      case GREATER -> greaterSV(s, b, bOff, out, o, len);
      // The rest commute.
      default -> vectorScalar(op, b, bOff, s, out, o, len);
    }
  }

  private static void neg(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = -x[i];
    }
  }

  private static void exp(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.exp(x[i]);
    }
  }

  private static void log(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.log(x[i]);
    }
  }

  private static void sqrt(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.sqrt(x[i]);
    }
  }

  private static void abs(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.abs(x[i]);
    }
  }

  private static void tanh(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.tanh(x[i]);
    }
  }

  private static void sigmoid(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = 1.0 / (1.0 + Math.exp(-x[i]));
    }
  }

  private static void relu(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = Math.max(x[i], 0.0);
    }
  }

  /** As {@link FloatKernels}' step: min/max so that C2 vectorizes it; NaN stays NaN. */
  private static void step(double[] x, double[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = step(x[i]);
    }
  }

  private static double step(double x) {
    return Math.min(1.0, Math.max(0.0, x * 0x1p1023 * 0x1p1023));
  }

  /** {@code out = g * step(x)}, as {@link FloatKernels#reluGrad}. */
  static void reluGrad(double[] g, double[] x, double[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = g[i] * step(x[i]);
    }
  }

  private static void addVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] + b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] + b[bOff + i];
      }
    }
  }

  private static void subVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] - b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] - b[bOff + i];
      }
    }
  }

  private static void mulVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] * b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] * b[bOff + i];
      }
    }
  }

  private static void divVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] / b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] / b[bOff + i];
      }
    }
  }

  private static void powVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.pow(a[i], b[i]);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.pow(a[aOff + i], b[bOff + i]);
      }
    }
  }

  private static void maxVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.max(a[i], b[i]);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.max(a[aOff + i], b[bOff + i]);
      }
    }
  }

  private static void minVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.min(a[i], b[i]);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.min(a[aOff + i], b[bOff + i]);
      }
    }
  }

  private static void greaterVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] > b[i] ? 1.0 : 0.0;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] > b[bOff + i] ? 1.0 : 0.0;
      }
    }
  }

  private static void equalVV(
      double[] a, int aOff, double[] b, int bOff, double[] out, int o, int len) {
    if (aOff == o && bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] == b[i] ? 1.0 : 0.0;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] == b[bOff + i] ? 1.0 : 0.0;
      }
    }
  }

  private static void addVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] + s;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] + s;
      }
    }
  }

  private static void subVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] - s;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] - s;
      }
    }
  }

  private static void mulVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] * s;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] * s;
      }
    }
  }

  private static void divVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] / s;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] / s;
      }
    }
  }

  private static void maxVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.max(a[i], s);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.max(a[aOff + i], s);
      }
    }
  }

  private static void minVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.min(a[i], s);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.min(a[aOff + i], s);
      }
    }
  }

  private static void greaterVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] > s ? 1.0 : 0.0;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] > s ? 1.0 : 0.0;
      }
    }
  }

  private static void equalVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (aOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = a[i] == s ? 1.0 : 0.0;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = a[aOff + i] == s ? 1.0 : 0.0;
      }
    }
  }

  /** x^s, with the exponents of squares and identities done without the slow Math.pow. */
  private static void powVS(double[] a, int aOff, double s, double[] out, int o, int len) {
    if (s == 2.0) {
      mulVV(a, aOff, a, aOff, out, o, len);
    } else if (s == 1.0) {
      System.arraycopy(a, aOff, out, o, len);
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.pow(a[aOff + i], s);
      }
    }
  }

  private static void subSV(double s, double[] b, int bOff, double[] out, int o, int len) {
    if (bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = s - b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = s - b[bOff + i];
      }
    }
  }

  private static void divSV(double s, double[] b, int bOff, double[] out, int o, int len) {
    if (bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = s / b[i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = s / b[bOff + i];
      }
    }
  }

  private static void powSV(double s, double[] b, int bOff, double[] out, int o, int len) {
    if (bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = Math.pow(s, b[i]);
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = Math.pow(s, b[bOff + i]);
      }
    }
  }

  private static void greaterSV(double s, double[] b, int bOff, double[] out, int o, int len) {
    if (bOff == o) {
      for (int i = o; i < o + len; i++) {
        out[i] = s > b[i] ? 1.0 : 0.0;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[o + i] = s > b[bOff + i] ? 1.0 : 0.0;
      }
    }
  }
}
