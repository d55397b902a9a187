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

  /** {@code out = g / (sqrt(h) + eps)}, the adaptive step shared by AdaGrad, RMSProp and Adam. */
  void divideBySqrtPlusEps(DeviceBuffer g, DeviceBuffer h, double eps, DeviceBuffer out) {
    backend.unary(UnaryOp.SQRT, h, out);
    backend.scalar(BinaryOp.ADD, out, eps, out);
    apply(BinaryOp.DIV, g, out, out);
  }
}
