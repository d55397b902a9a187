package dev.jgrad.api;

/** Reductions along one axis that every backend implements. */
public enum ReduceOp {
  /** The sum along the axis (which has at least one element). */
  SUM,
  /** The largest value along the axis. */
  MAX,
  /** Index of the first maximum, stored as a number of the buffer's dtype. */
  ARGMAX
}
