package dev.jgrad.autograd;

import dev.jgrad.api.ArgumentChecks;
import dev.jgrad.api.IndexOutOfRange;
import java.util.function.Supplier;

/**
 * Says which loss a label out of range was given to. The check stays where it is, in the kernel
 * that reads the labels (the fused loss's, or the one-hot rows' a composed loss builds), so it
 * costs no host read; but there its words are the primitive's ({@code oneHot on the cpu backend:
 * index 3 at position 1 is out of range for bound 3}), under an inner op the caller never named
 * ({@code jgrad::one_hot}). As PyTorch's "Target 3 is out of bounds", the error is put in the
 * loss's words instead. On a GPU a kernel finds a bad label after the call has returned and the
 * next read reports it: in these words for the fused softmax cross-entropy's labels, in the
 * primitive's for a composed loss's (docs/cuda.md).
 */
final class LabelBounds {
  private LabelBounds() {}

  /**
   * {@code loss.get()}; an index out of {@code [0, classes)} it fails with becomes an
   * IndexOutOfBoundsException naming {@code op}, the label, its position and the valid range
   * (the original as its cause). Any other failure is thrown as it is.
   */
  static Tensor checked(String op, int classes, Supplier<Tensor> loss) {
    try {
      return loss.get();
    } catch (IndexOutOfBoundsException e) {
      IndexOutOfRange range = rangeError(e);
      if (range == null || range.bound() != classes) {
        throw e; // not the labels against the classes: a bug's, in its own words
      }
      IndexOutOfBoundsException named =
          ArgumentChecks.labelError(op, range.index(), range.position(), classes);
      named.initCause(e);
      throw named;
    }
  }

  /** The backend's range error in {@code e} or its causes (ops wrap it naming themselves). */
  private static IndexOutOfRange rangeError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IndexOutOfRange r) {
        return r;
      }
    }
    return null;
  }
}
