package dev.jgrad.data;

import dev.jgrad.autograd.Tensor;
import java.util.SplittableRandom;

/**
 * Changes a training batch's inputs before its step, e.g. {@link RandomShift}: more varied
 * samples from the same data (the book's 8.1.2, data augmentation). A {@link DataLoader} applies
 * it to each batch it gathers, with a {@code random} it seeds from its seed, the epoch and the
 * batch, so a batch is the same whichever thread gathers it and a resumed run sees the same
 * batches. The inputs are the loader's own copy, which it closes once replaced (not when the
 * result shares their memory, a view or the inputs themselves); with prefetching, {@code apply}
 * may run on two threads at once, so an augmentation keeps no state between calls.
 */
@FunctionalInterface
public interface Augmentation {
  /** The augmented inputs, of the same shape, dtype and backend as {@code inputs}. */
  Tensor apply(Tensor inputs, SplittableRandom random);
}
