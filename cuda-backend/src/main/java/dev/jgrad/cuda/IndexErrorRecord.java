package dev.jgrad.cuda;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.IndexOutOfRange;
import dev.jgrad.api.op.OpNames;

/**
 * Decodes the error record that index-reading kernels fill on the device (see common.cuh): a
 * kernel cannot throw, so it skips a bad index, records the first one, and the host turns the
 * record into an exception at the next synchronize or download.
 *
 * <p>Layout, four longs: the primitive's code (0 = no error), the position in the index buffer,
 * the bound, and the offending value as the bits of a double.
 */
final class IndexErrorRecord {
  static final int LONGS = 4;

  /** Codes, as the JG_PRIM_* defines of common.cuh. */
  static final int INDEX_SELECT = 1;
  static final int INDEX_ADD = 2;
  static final int ONE_HOT = 3;
  static final int SOFTMAX_XENT = 4;

  private IndexErrorRecord() {}

  static String primitiveName(long code) {
    return switch ((int) code) {
      case INDEX_SELECT -> "indexSelect";
      case INDEX_ADD -> "indexAdd";
      case ONE_HOT -> "oneHot";
      case SOFTMAX_XENT -> "softmaxCrossEntropy";
      default -> "an index kernel (code " + code + ")";
    };
  }

  /**
   * The exception for a record, or null when the record holds no error: the contract's words for
   * a bad index ({@link ArgumentChecks#indexError}: out of range or not a whole number), and when
   * it was found.
   */
  static RuntimeException toException(long[] record, String detectedAt) {
    if (record[0] == 0) {
      return null;
    }
    RuntimeException base = ArgumentChecks.indexError(CudaBackend.NAME, primitiveName(record[0]),
        Double.longBitsToDouble(record[3]), record[1], record[2]);
    if (record[0] == SOFTMAX_XENT && base instanceof IndexOutOfRange range) {
      // only the fused loss reads labels with this code: its words, as the CPU's loss gives them
      base = ArgumentChecks.labelError(OpNames.SOFTMAX_CROSS_ENTROPY_LABELS, range.index(),
          range.position(), range.bound());
    }
    String message = base.getMessage() + ". The GPU detected it and skipped that element; it is "
        + "reported at " + detectedAt + ", the first synchronisation after the call.";
    if (base instanceof IndexOutOfBoundsException) {
      IndexOutOfBoundsException e = new IndexOutOfBoundsException(message);
      e.initCause(base); // the values, as IndexOutOfRange, for a caller that restates them
      return e;
    }
    return new IllegalArgumentException(message, base);
  }
}
