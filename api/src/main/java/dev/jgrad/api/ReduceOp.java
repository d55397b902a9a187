package dev.jgrad.api;

/** Reductions along one axis that every backend implements. */
public enum ReduceOp {
  SUM,
  MAX,
  /** Index of the first maximum, stored as a number of the buffer's dtype. */
  ARGMAX
}
