package dev.jgrad.autograd;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says which loss a label out of range was given to. The check stays where it is, in the kernel
 * that reads the labels (the fused loss's, or the one-hot rows' a composed loss builds), so it
 * costs no host read; but there its words are the primitive's ({@code oneHot on the cpu backend:
 * index 3 at position 1 is out of range for bound 3}), under an inner op the caller never named
 * ({@code jgrad::one_hot}). As PyTorch's "Target 3 is out of bounds", the error is put in the
 * loss's words instead. On a GPU a kernel finds a bad label after the call has returned and the
 * next read reports it in the backend's words (docs/cuda.md).
 */
final class LabelBounds {
  /** The backends' words for an index out of range ({@code ArgumentChecks.indexError}). */
  private static final Pattern OUT_OF_RANGE = Pattern.compile(
      "index (-?\\d+) at position (\\d+) is out of range for bound (\\d+)");

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
      Matcher m = OUT_OF_RANGE.matcher(String.valueOf(e.getMessage()));
      if (!m.find() || !m.group(3).equals(Integer.toString(classes))) {
        throw e; // not the labels against the classes: a bug's, in its own words
      }
      IndexOutOfBoundsException named = new IndexOutOfBoundsException(op + ": label "
          + m.group(1) + " at position " + m.group(2) + " is out of bounds for " + classes
          + " classes; labels are class indices in [0, " + classes + ")");
      named.initCause(e);
      throw named;
    }
  }
}
