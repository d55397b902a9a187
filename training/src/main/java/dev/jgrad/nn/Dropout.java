package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.DropoutOps;
import java.util.IdentityHashMap;
import java.util.Map;
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
 * counter is not a tensor: {@code Checkpoint} saves it in its metadata and restores it, so a
 * resumed run draws the masks the uninterrupted one would ({@link #setCounter} sets it by hand).
 *
 * <p>The mask op reads the counter from a one-element buffer on the input's backend, filled
 * before each pass. While a step is captured as a graph ({@link GraphCapture}) the fill is host
 * work run before each launch instead, so every replay draws the next mask, as eager passes do;
 * a layer used twice in one captured step is refused (both uses would read one counter).
 */
public final class Dropout extends Module {
  private final double p;
  private final long seed;
  private long counter;
  /** Per backend, the one-element FLOAT64 buffer the mask op reads the counter from. */
  private final Map<Backend, Tensor> counters = new IdentityHashMap<>();

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
    Backend backend = x.backend();
    Tensor c = counterOn(backend);
    if (backend instanceof GraphCapture g && g.isCapturing()) { // a capture runs nothing
      g.beforeEachLaunch(this, () -> backend.fill(c.buffer(), nextCounter()));
    } else {
      backend.fill(c.buffer(), nextCounter());
    }
    // the mask is a constant of the graph: mul's gradient rule gives g * mask
    return x.mul(DropoutOps.dropoutMask(x, p, seed, c));
  }

  /** This pass's counter, advancing it. */
  private long nextCounter() {
    DropoutMask.checkCounter("Dropout", counter);
    return counter++;
  }

  /** The counter's buffer on {@code backend}, made before any capture (the first pass). */
  private Tensor counterOn(Backend backend) {
    Tensor c = counters.get(backend);
    if (c == null) {
      if (backend instanceof GraphCapture g && g.isCapturing()) {
        // made in the graph's reserved memory, it would be released with a failed capture
        throw new IllegalStateException("Dropout's mask counter does not exist on the "
            + backend.name() + " backend yet, and cannot be created inside a CUDA graph "
            + "capture; run one step without the graph first, then capture");
      }
      c = Tensor.wrap(backend, backend.allocate(DType.FLOAT64, 1), Shape.of(1));
      counters.put(backend, c);
    }
    return c;
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

  /**
   * Sets the mask counter, in [0, 2^53), e.g. to continue a run's mask sequence after restoring
   * it.
   */
  public void setCounter(long counter) {
    DropoutMask.checkCounter("Dropout.setCounter", counter);
    this.counter = counter;
  }

  @Override
  public String toString() {
    return "Dropout(p=" + p + ")";
  }
}
