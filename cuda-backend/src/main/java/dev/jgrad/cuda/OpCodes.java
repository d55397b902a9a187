package dev.jgrad.cuda;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.UnaryOp;

/**
 * The integer codes the kernels switch on, as defined in {@code src/main/cuda/common.cuh}.
 * Mapped by name in exhaustive switches, never by ordinal: adding or reordering a constant in the
 * api enums then fails to compile here instead of silently changing what a kernel computes.
 * {@code OpCodesTest} checks these numbers against the header.
 */
final class OpCodes {
  /** The fused bias+activation kernel's "no activation". */
  static final int IDENTITY = 100;

  private OpCodes() {}

  static int unary(UnaryOp op) {
    return switch (op) {
      case NEG -> 0;
      case EXP -> 1;
      case LOG -> 2;
      case SQRT -> 3;
      case ABS -> 4;
      case TANH -> 5;
      case SIGMOID -> 6;
      case RELU -> 7;
      case STEP -> 8;
      case SIN -> 9;
      case COS -> 10;
      case LOG1P -> 11;
      case EXPM1 -> 12;
      case ERF -> 13;
    };
  }

  static int binary(BinaryOp op) {
    return switch (op) {
      case ADD -> 0;
      case SUB -> 1;
      case MUL -> 2;
      case DIV -> 3;
      case POW -> 4;
      case MAXIMUM -> 5;
      case MINIMUM -> 6;
      case GREATER -> 7;
      case EQUAL -> 8;
    };
  }

  /** A dtype as {@code jg_convert_*}'s {@code to} argument names it ({@code JG_DTYPE_*}). */
  static int dtype(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> 0;
      case FLOAT64 -> 1;
      case INT32 -> 2;
      case UINT8 -> 3;
    };
  }

  static int reduce(ReduceOp op) {
    return switch (op) {
      case SUM -> 0;
      case MAX -> 1;
      case ARGMAX -> 2;
    };
  }
}
