package dev.jgrad.api;

/** Elementwise functions of two arguments, with NumPy broadcasting, that every backend implements. */
public enum BinaryOp {
  /** a + b. */
  ADD,
  /** a - b. */
  SUB,
  /** a * b. */
  MUL,
  /** a / b (IEEE: x / 0 is infinite or NaN, never an exception). */
  DIV,
  /** a to the power b (NaN for a negative a and a fractional b). */
  POW,
  /** The larger of a and b, as {@link Math#max}: NaN if either is, 0.0 over -0.0. */
  MAXIMUM,
  /** The smaller of a and b, as {@link Math#min}: NaN if either is, -0.0 under 0.0. */
  MINIMUM,
  /** 1 where a > b, else 0. */
  GREATER,
  /** 1 where a == b, else 0. */
  EQUAL
}
