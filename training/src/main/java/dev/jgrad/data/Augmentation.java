package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkNotNull;

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

  /**
   * This augmentation, then {@code next} on its result, with the same random (so the pair is as
   * reproducible as each). The intermediate inputs are closed once {@code next} has replaced them.
   */
  default Augmentation andThen(Augmentation next) {
    Augmentation first = this;
    checkNotNull(next, "next augmentation is null");
    return new Augmentation() {
      @Override
      public Tensor apply(Tensor inputs, SplittableRandom random) {
        Tensor between = first.apply(inputs, random);
        Tensor out;
        try {
          out = next.apply(between, random);
        } catch (RuntimeException | Error e) {
          closeIfOwn(between, inputs);
          throw e;
        }
        if (out.buffer() != between.buffer()) {
          closeIfOwn(between, inputs);
        }
        return out;
      }

      /** Closes {@code between} unless it shares the memory the caller owns. */
      private void closeIfOwn(Tensor between, Tensor inputs) {
        if (between.buffer() != inputs.buffer()) {
          between.buffer().close();
        }
      }

      @Override
      public String toString() {
        return first + " then " + next;
      }
    };
  }
}
