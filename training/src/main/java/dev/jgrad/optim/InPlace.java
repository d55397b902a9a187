package dev.jgrad.optim;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;

/**
 * Elementwise arithmetic on buffers of one shape, writing into a given buffer: the optimizers'
 * updates run on the backend without allocating or recording anything. Backends allow the output
 * to be one of the inputs.
 */
final class InPlace {
  private final Backend backend;
  private final Shape shape;

  InPlace(Backend backend, Shape shape) {
    this.backend = backend;
    this.shape = shape;
  }

  void apply(BinaryOp op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
    backend.binary(op, a, shape, b, shape, out, shape);
  }

  void scalar(BinaryOp op, DeviceBuffer a, double s, DeviceBuffer out) {
    backend.scalar(op, a, s, out);
  }

  /** {@code out = a * s}. */
  void scale(DeviceBuffer a, double s, DeviceBuffer out) {
    backend.scalar(BinaryOp.MUL, a, s, out);
  }

  /** {@code target += alpha * x}, using {@code scratch}. */
  void addScaled(DeviceBuffer target, DeviceBuffer x, double alpha, DeviceBuffer scratch) {
    backend.scalar(BinaryOp.MUL, x, alpha, scratch);
    apply(BinaryOp.ADD, target, scratch, target);
  }

  /**
   * Adam's moving averages, {@code m += (1 - beta1) (g - m)} and
   * {@code v += (1 - beta2) (g * g - v)}, using {@code scratch}.
   */
  void updateMoments(DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, double beta1, double beta2,
      DeviceBuffer scratch) {
    apply(BinaryOp.SUB, g, m, scratch);
    addScaled(m, scratch, 1 - beta1, scratch);
    apply(BinaryOp.MUL, g, g, scratch);
    apply(BinaryOp.SUB, scratch, v, scratch);
    addScaled(v, scratch, 1 - beta2, scratch);
  }

  /** {@code out = sqrt(a)}. */
  void sqrt(DeviceBuffer a, DeviceBuffer out) {
    backend.unary(UnaryOp.SQRT, a, out);
  }

  /** {@code out = g / (sqrt(h) + eps)}, the adaptive step shared by AdaGrad, RMSProp and Adam. */
  void divideBySqrtPlusEps(DeviceBuffer g, DeviceBuffer h, double eps, DeviceBuffer out) {
    backend.unary(UnaryOp.SQRT, h, out);
    backend.scalar(BinaryOp.ADD, out, eps, out);
    apply(BinaryOp.DIV, g, out, out);
  }

  /** {@code out = sqrt(h) / divisor + eps}, AdamW's bias-corrected denominator. */
  void sqrtDividedPlusEps(DeviceBuffer h, double divisor, double eps, DeviceBuffer out) {
    backend.unary(UnaryOp.SQRT, h, out);
    backend.scalar(BinaryOp.DIV, out, divisor, out);
    backend.scalar(BinaryOp.ADD, out, eps, out);
  }
}
