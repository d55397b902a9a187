package dev.jgrad.autograd.opfuzz;

import java.util.Arrays;

/**
 * One input a case asks for: its role (for messages), shape, what it holds, how its values are
 * drawn and whether the op is differentiable in it.
 *
 * @param bound for {@link Kind#INDEX}, indices are drawn in {@code [0, bound)}
 * @param views whether the input may be drawn as a view
 */
record InputSpec(String role, int[] shape, Kind kind, Dist dist, int bound, boolean grad,
    boolean views) {
  InputSpec(String role, int[] shape, Kind kind, Dist dist, int bound, boolean grad) {
    this(role, shape, kind, dist, bound, grad, true);
  }

  /** This input as a dense tensor, never a view (a kernel wants its buffer). */
  InputSpec dense() {
    return new InputSpec(role, shape, kind, dist, bound, grad, false);
  }

  /** What an input holds. */
  enum Kind {
    /** Floats of the case's dtype. */
    DATA,
    /** INT32 indices or labels. */
    INDEX,
    /** UINT8 values 0..255. */
    BYTES
  }

  /** A float input of the case's dtype that gradients flow to. */
  static InputSpec data(String role, Dist dist, int... shape) {
    return new InputSpec(role, shape, Kind.DATA, dist, 0, true);
  }

  /** A float input of the case's dtype that gets no gradient (the op has none for it). */
  static InputSpec constant(String role, Dist dist, int... shape) {
    return new InputSpec(role, shape, Kind.DATA, dist, 0, false);
  }

  /** INT32 indices in {@code [0, bound)}. */
  static InputSpec index(String role, int bound, int... shape) {
    return new InputSpec(role, shape, Kind.INDEX, null, bound, false);
  }

  /** UINT8 values. */
  static InputSpec bytes(String role, int... shape) {
    return new InputSpec(role, shape, Kind.BYTES, Dist.PIXELS, 0, false);
  }

  @Override
  public String toString() {
    return role + Arrays.toString(shape);
  }
}
