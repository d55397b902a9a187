package dev.jgrad.autograd.ops;

import dev.jgrad.api.op.OpDef;

/**
 * What a built-in op's gradient rule reads, for the op groups that register several ops through
 * one helper ({@code ArithmeticOps.unary}, {@code binary}): applied to the op's
 * {@link OpDef.Builder} so each op states its own.
 */
record Reads(int[] inputs, boolean output) {
  /** Shapes only (add, neg...): an in-place change afterwards cannot spoil the gradient. */
  static final Reads NOTHING = new Reads(new int[0], false);
  /** The output alone (exp, sigmoid...). */
  static final Reads OUTPUT = new Reads(new int[0], true);

  static Reads inputs(int... inputs) {
    return new Reads(inputs, false);
  }

  Reads andOutput() {
    return new Reads(inputs, true);
  }

  OpDef.Builder declare(OpDef.Builder b) {
    return b.gradientReadsInputs(inputs).gradientReadsOutput(output);
  }
}
