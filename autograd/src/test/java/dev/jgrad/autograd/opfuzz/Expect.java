package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import java.util.List;
import java.util.function.Function;

/**
 * What the reference says an op gives: its value, with the magnitude its rounding errors scale
 * with ({@link Check}), and the gradients of a weighted sum of it.
 *
 * @param value the exact result (in double)
 * @param mag per element, the sum of the magnitudes of the terms the result is made of: a float
 *     computation of it may be off by a few rounding errors of that size
 * @param length the longest sum (or chain of roundings) behind an element, forward or backward
 * @param dtype the result's dtype, or null for the case's dtype
 * @param backward given the output's weights {@code w}, the gradient of {@code sum(w * out)} for
 *     each input (null for inputs without one); null when the op has no gradient
 * @param refusal null, or what the error must mention when the op must refuse its inputs
 */
record Expect(Nd value, Nd mag, double length, DType dtype,
    Function<Nd, List<Grad>> backward, List<String> refusal) {

  Expect(Nd value, Nd mag, double length, DType dtype, Function<Nd, List<Grad>> backward) {
    this(value, mag, length, dtype, backward, null);
  }

  /**
   * The op must refuse its inputs: an IllegalArgumentException (an IndexOutOfBoundsException
   * for an index out of range) whose message is one line and mentions each of {@code mention}
   * (the op's name, the shapes at fault).
   */
  static Expect refusal(String... mention) {
    return new Expect(null, null, 0, null, null, List.of(mention));
  }

  /** One input's reference gradient and its magnitude, as {@link Expect#mag}. */
  record Grad(Nd value, Nd mag) {}

  /** A result computed exactly (a copy, a comparison, an index): no rounding allowed. */
  static Expect exact(Nd value, DType dtype) {
    return new Expect(value, Nd.zeros(value.shape), 1, dtype, null);
  }

  Expect withBackward(Function<Nd, List<Grad>> backward) {
    return new Expect(value, mag, length, dtype, backward);
  }
}
