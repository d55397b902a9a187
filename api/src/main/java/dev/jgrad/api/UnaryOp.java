package dev.jgrad.api;

/** Elementwise functions of one argument that every backend implements. */
public enum UnaryOp {
  NEG,
  EXP,
  LOG,
  SQRT,
  ABS,
  TANH,
  SIGMOID,
  RELU,
  /** 1 where x &gt; 0, 0 where x &lt;= 0 (the book's step function); NaN stays NaN. */
  STEP
}
