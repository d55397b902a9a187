package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.DropoutOps;
import java.util.Random;

/**
 * Inverted dropout (the book's ch. 6.4.3, PyTorch's {@code nn.Dropout}): in training mode each
 * element of {@code x} is zeroed with probability {@code p} and the survivors are scaled by
 * {@code 1 / (1 - p)}, so in evaluation mode ({@link Module#eval()}) it is the identity, with no
 * rescaling at inference. {@code p = 0} is the identity in both modes.
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Sequential net = new Sequential(new Linear(784, 100, Init.he(), random), new ReLU(),
 *     new Dropout(0.5, random), new Linear(100, 10, Init.he(), random));
 * }</pre>
 *
 * <p>The mask comes from {@link DropoutMask}'s counter-based generator: a seed drawn once from
 * the model's {@code Random} at construction, and a counter advanced by every training-mode
 * forward pass. The same model seed therefore gives the same masks, on the CPU and on a GPU. The
 * counter is not saved in checkpoints (it has no parameter to live in yet): a resumed run draws
 * the masks of a fresh one from the epoch it resumes at, unless {@link #setCounter} is called.
 */
public final class Dropout extends Module {
  private final double p;
  private final long seed;
  private long counter;

  /** Dropout with probability {@code p} in [0, 1), its seed the next long of {@code random}. */
  public Dropout(double p, Random random) {
    this(p, checkNotNull(random, "Dropout: random is null; pass a seeded java.util.Random")
        .nextLong());
  }

  /** Dropout with probability {@code p} in [0, 1) and an explicit generator seed. */
  public Dropout(double p, long seed) {
    DropoutMask.checkP("Dropout", p);
    this.p = p;
    this.seed = seed;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (!isTraining() || p == 0) {
      return x;
    }
    // the mask is a constant of the graph: mul's gradient rule gives g * mask
    return x.mul(DropoutOps.dropoutMask(x, p, seed, counter++));
  }

  /** The probability that an element is zeroed in training mode. */
  public double p() {
    return p;
  }

  /** The mask generator's seed. */
  public long seed() {
    return seed;
  }

  /** How many masks this layer has drawn (training-mode forward passes with p > 0). */
  public long counter() {
    return counter;
  }

  /** Sets the mask counter, e.g. to continue a run's mask sequence after restoring it. */
  public void setCounter(long counter) {
    this.counter = counter;
  }

  @Override
  public String toString() {
    return "Dropout(p=" + p + ")";
  }
}
