package dev.jgrad.api;

/** Elementwise functions of two arguments, with NumPy broadcasting, that every backend implements. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  POW,
  MAXIMUM,
  MINIMUM,
  /** 1 where a > b, else 0. */
  GREATER,
  /** 1 where a == b, else 0. */
  EQUAL
}
