package dev.jgrad.api;

/** Reductions along one axis that every backend implements. */
public enum ReduceOp {
  /** The sum along the axis (which has at least one element). */
  SUM,
  /** The largest value along the axis; NaN if the axis holds one. */
  MAX,
  /** Index of the first maximum (of the first NaN, if any), into an INT32 output. */
  ARGMAX
}
