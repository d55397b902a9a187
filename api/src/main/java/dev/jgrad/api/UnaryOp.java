package dev.jgrad.api;

/** Elementwise functions of one argument that every backend implements. */
public enum UnaryOp {
  /** -x. */
  NEG,
  /** e to the x. */
  EXP,
  /** Natural logarithm (NaN below 0, -infinity at 0). */
  LOG,
  /** Square root (NaN below 0). */
  SQRT,
  /** |x|. */
  ABS,
  /** Hyperbolic tangent, in (-1, 1). */
  TANH,
  /** 1 / (1 + e^-x), in (0, 1). */
  SIGMOID,
  /** max(x, 0), as {@link Math#max}: NaN stays NaN, -0.0 becomes 0.0. */
  RELU,
  /** 1 where x &gt; 0, 0 where x &lt;= 0 (the book's step function); NaN stays NaN. */
  STEP,
  /**
   * The sine of x radians, as {@link StrictMath#sin} (fdlibm): the same bits on every JVM and in
   * every compilation tier; FLOAT32 computed in double and rounded. NaN and the infinities give
   * NaN, -0.0 stays -0.0.
   */
  SIN,
  /** The cosine of x radians, as {@link StrictMath#cos}; NaN and the infinities give NaN. */
  COS,
  /**
   * ln(1 + x), as {@link StrictMath#log1p} (fdlibm): exact to the last bit near 0, where
   * {@code log(1 + x)} loses x's low bits in the sum; -infinity at -1, NaN below -1, -0.0 stays
   * -0.0.
   */
  LOG1P,
  /**
   * e^x - 1, as {@link StrictMath#expm1} (fdlibm): exact to the last bit near 0, where
   * {@code exp(x) - 1} cancels; -1 at -infinity, -0.0 stays -0.0.
   */
  EXPM1,
  /**
   * The error function, as {@link Erf#erf} (fdlibm's scheme, in Java): the same bits on every JVM
   * and in every compilation tier; FLOAT32 computed in double and rounded. +-1 at +-infinity, NaN
   * stays NaN, -0.0 stays -0.0.
   */
  ERF
}
