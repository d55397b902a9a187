package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.HostBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches, in a new random order every epoch.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(100).seed(42).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *   for (Batch batch : loader.epoch(epoch)) {
 *     try (batch; TensorScope step = TensorScope.open()) { // both free their memory at the end
 *       Tensor scores = model.forward(batch.inputs());
 *       Tensor loss = Losses.softmaxCrossEntropyLabels(scores, batch.targets());
 *       ...
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Sampling.</b> The book draws each mini-batch independently with replacement
 * ({@code np.random.choice(train_size, batch_size)}), so within an epoch some samples are seen
 * twice and others not at all. This loader shuffles and partitions instead, as the design asks:
 * each epoch is one permutation of all samples, cut into consecutive batches, so every sample is
 * seen exactly once per epoch (once at most with {@code dropLast}). A
 * {@link WeightedRandomSampler} ({@link Builder#sampler}) instead draws each epoch's samples with
 * replacement by weight, as PyTorch's {@code WeightedRandomSampler}.
 *
 * <p><b>Reproducibility.</b> The order of epoch {@code e} depends only on the seed and {@code e},
 * so the same seed gives the same batches, and a run resumed at epoch {@code e} sees the same
 * batches as one that never stopped. Each epoch's shuffle is seeded by hashing the seed and
 * {@code e} ({@link Seeds}), so that consecutive epochs draw from unrelated streams. Since
 * 2026-12-07: loaders before then seeded {@code seed + e * 0x9E3779B97F4A7C15L}, which makes each
 * epoch's stream the one before advanced by a draw, so a run they checkpointed resumes with
 * other batches than it would have had.
 *
 * <p>The data stays on its backend: each batch is gathered there by {@link Tensor#indexSelect}.
 * Only the epoch's order travels from the host, once when the loop over the epoch starts; each
 * batch's indices are a slice of it on the backend, so a training step uploads nothing (unless
 * an {@link Builder#augment augmentation} does: {@link RandomShift} uploads each batch's index
 * list, which on a GPU waits for the queued work).
 */
public final class DataLoader {
  /**
   * Batches gathered ahead at most: a few, so that a prefetch thread slowed by other work on its
   * core (the JIT compiler, another process) still keeps ahead.
   */
  private static final int PREFETCH_DEPTH = 4;

  private final Dataset dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final boolean prefetch;
  private final Augmentation augmentation; // null: batches as gathered
  private final WeightedRandomSampler sampler; // null: a permutation (or in order) an epoch

  private DataLoader(Builder b) {
    this.dataset = b.dataset;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.prefetch = b.prefetch;
    this.augmentation = b.augmentation;
    this.sampler = b.sampler;
    checkArgument(sampler == null || sampler.size() == dataset.size(), "sampler %s has weights "
        + "for %s samples but the dataset has %s; pass one weight per sample", sampler,
        sampler == null ? 0 : sampler.size(), dataset.size());
    checkArgument(sampler == null || !b.shuffleGiven, "a sampler draws its own order; leave "
        + "shuffle(...) out when giving sampler(...), as PyTorch refuses shuffle with a sampler");
    checkArgument(!dropLast || epochLength() >= batchSize,
        "dropLast with batch size %s would drop every sample of an epoch of %s; use a smaller"
            + " batch or keep the last batch", batchSize, epochLength());
  }

  /**
   * Starts a loader over {@code dataset}: batches of 100, shuffled with seed 42, last short batch
   * kept, no prefetching.
   */
  public static Builder builder(Dataset dataset) {
    return new Builder(dataset);
  }

  /** The samples this loader draws from. */
  public Dataset dataset() {
    return dataset;
  }

  /**
   * Whether the batches' inputs are augmented ({@link Builder#augment}): they are then not the
   * dataset's samples as they are, so a trainer that gathers from the dataset itself (a captured
   * step) cannot stand in for the loader.
   */
  public boolean augments() {
    return augmentation != null;
  }

  /** Samples per batch (the last batch of an epoch may be shorter unless {@link #dropLast()}). */
  public int batchSize() {
    return batchSize;
  }

  /** Whether a last batch shorter than {@link #batchSize()} is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /** Batches per epoch: the last short one counts unless dropped. */
  public int batchCount() {
    int full = epochLength() / batchSize;
    return dropLast || epochLength() % batchSize == 0 ? full : full + 1;
  }

  /** Samples an epoch's order holds: the dataset's size, or a sampler's draws. */
  private int epochLength() {
    return sampler == null ? dataset.size() : sampler.numSamples();
  }

  /** Where batch {@code index} (from 0) starts in an epoch's {@link #order}. */
  public int batchStart(int index) {
    checkArgument(index >= 0 && index < batchCount(), "batch %s of %s", index, batchCount());
    return index * batchSize;
  }

  /** How many samples batch {@code index} (from 0) holds: the batch size, or fewer at the end. */
  public int batchLength(int index) {
    return Math.min(batchSize, epochLength() - batchStart(index));
  }

  /**
   * Samples per epoch (fewer with {@code dropLast}): the dataset's size, or a sampler's
   * {@link WeightedRandomSampler#numSamples}.
   */
  public int samplesPerEpoch() {
    return dropLast ? batchCount() * batchSize : epochLength();
  }

  /**
   * The sample order of epoch {@code epoch} (0-based): a permutation of 0..size-1 drawn from the
   * seed and the epoch number, or 0..size-1 in order without shuffling, or a sampler's draws
   * (indices with repeats) from the seed and the epoch number.
   */
  public int[] order(int epoch) {
    checkArgument(epoch >= 0, "epoch must be >= 0, got %s", epoch);
    if (sampler != null) {
      return sampler.draw(Seeds.derive(seed, epoch));
    }
    return shuffle ? Permutations.shuffled(dataset.size(), Seeds.derive(seed, epoch))
        : Permutations.inOrder(dataset.size());
  }

  /**
   * The mini-batches of epoch {@code epoch}. Each is gathered when the iterator reaches it, or,
   * with {@link Builder#prefetch}, up to four batches ahead on a background thread.
   */
  public Iterable<Batch> epoch(int epoch) {
    int[] order = order(epoch);
    Tensor inputs = dataset.inputs();
    boolean background = prefetch && inputs.isContiguous()
        && inputs.buffer() instanceof HostBuffer;
    return () -> background ? new Prefetching(order, epoch) : new Gathering(order, epoch);
  }

  /**
   * Gathers batch {@code index} of an epoch whose sample order is {@code order}, a tensor on the
   * dataset's backend: the batch's indices are a slice of it, so no step uploads anything (on a
   * GPU an upload from the host waits for the queued work).
   */
  private Batch gather(Tensor order, int epoch, int index) {
    // a slice is a view of the order; one dense copy serves both gathers and is closed after
    Tensor indices = order.slice(0, batchStart(index), batchLength(index)).contiguous();
    Batch batch;
    try { // augmented before a normalisation, as PyTorch's transforms before Normalize
      batch = augmentation == null ? dataset.gather(indices)
          : dataset.gatherUnnormalized(indices);
    } finally {
      indices.buffer().close(); // the gather has its own copy of the samples
    }
    return augmentation == null ? batch : dataset.normalize(augmented(batch, epoch, index));
  }

  /**
   * {@code batch} with its inputs augmented, from a random seeded by the loader's seed, the epoch
   * and the batch alone: the same batch whichever thread gathers it, and in a resumed run.
   */
  private Batch augmented(Batch batch, int epoch, int index) {
    SplittableRandom random = new SplittableRandom(Seeds.derive(seed, epoch, index));
    Tensor given = batch.inputs();
    Tensor inputs;
    try {
      inputs = augmentation.apply(given, random).contiguous();
      if (!inputs.shape().equals(given.shape()) || inputs.dtype() != given.dtype()
          || inputs.backend() != given.backend()) { // the specs made only then, not per batch
        throw new IllegalStateException("augmentation " + augmentation + " turned inputs "
            + given.spec() + " on " + given.backend().name() + " into " + inputs.spec() + " on "
            + inputs.backend().name() + "; an augmentation keeps the shape, dtype and backend");
      }
    } catch (RuntimeException | Error e) {
      batch.close();
      throw e;
    }
    if (inputs.buffer() != given.buffer()) {
      given.buffer().close(); // the loader's copy, replaced (not when the result shares it)
    }
    return new Batch(inputs, batch.targets());
  }

  /**
   * {@code batch}, its inputs announced to their backend as the left operand of the products
   * ahead ({@link dev.jgrad.api.Backend#prepareOperand}), read as {@code [batch, features]}: the
   * CPU backend lists the nonzeros of mostly-zero images there, usually on the prefetch thread,
   * instead of in each product of the training step.
   */
  private static Batch prepared(Batch batch) {
    Tensor inputs = batch.inputs();
    if (inputs.rank() >= 1 && inputs.size() > 0) {
      int rows = inputs.shape().dim(0);
      inputs.backend().prepareOperand(inputs.buffer(), rows, (int) (inputs.size() / rows));
    }
    return batch;
  }

  /** Gathers each batch when asked for it. */
  private class Gathering implements Iterator<Batch> {
    final Tensor order;
    final int epoch;
    int next;

    /** Uploads the epoch's order once, when the loop over the epoch starts. */
    Gathering(int[] order, int epoch) {
      this.order = Tensor.indices(order).to(dataset.inputs().backend()); // INT32: exact
      this.epoch = epoch;
    }

    @Override
    public boolean hasNext() {
      return next < batchCount();
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("epoch " + epoch + " has " + batchCount() + " batches");
      }
      return take();
    }

    /** The next batch, when there is one. */
    Batch take() {
      return gather(order, epoch, next++);
    }
  }

  /**
   * Gathers the next batches on a background thread while the caller trains on this one (up to
   * {@link #PREFETCH_DEPTH} ahead); a batch the thread has not started when it is needed is
   * gathered by the caller ({@link Prefetcher}). A failure of a gather is thrown by the
   * {@code next()} that would have returned its batch.
   */
  private final class Prefetching extends Gathering {
    private final ArrayDeque<Prefetcher.Pending<Batch>> ahead = new ArrayDeque<>();
    /** The first batch not handed to the prefetch thread yet. */
    private int unrequested;

    Prefetching(int[] order, int epoch) {
      super(order, epoch);
    }

    @Override
    Batch take() {
      Prefetcher.Pending<Batch> requested = ahead.poll(); // null: gathered here (first batch)
      unrequested = Math.max(unrequested, next + 1);
      // hand the next ones over first, so that they are gathered while this one is
      while (ahead.size() < PREFETCH_DEPTH && unrequested < batchCount()) {
        int index = unrequested++;
        // one daemon thread gathers ahead for every loader: the gathers are short copies
        ahead.add(Prefetcher.SHARED.submit(() -> prepared(gather(order, epoch, index))));
      }
      Batch batch = requested == null ? gather(order, epoch, next) : requested.get();
      next++;
      return batch;
    }
  }

  @Override
  public String toString() {
    return "DataLoader(" + dataset.size() + " samples, batch " + batchSize + ", "
        + (sampler != null ? sampler + " with seed " + seed
            : shuffle ? "shuffled with seed " + seed : "in order")
        + (dropLast ? ", dropLast" : "")
        + (prefetch ? "" : ", no prefetch")
        + (augmentation == null ? "" : ", augmented by " + augmentation) + ")";
  }

  /**
   * Options of a {@link DataLoader}; defaults: batch 100, shuffled, seed 42, last batch kept,
   * no prefetching.
   */
  public static final class Builder {
    private final Dataset dataset;
    private int batchSize = 100;
    private boolean shuffle = true;
    private long seed = 42;
    private boolean dropLast;
    private boolean prefetch;
    private Augmentation augmentation;
    private WeightedRandomSampler sampler;
    private boolean shuffleGiven;

    private Builder(Dataset dataset) {
      this.dataset = checkNotNull(dataset, "dataset is null");
    }

    /** Samples per batch (default 100); at least 1, else an IllegalArgumentException. */
    public Builder batchSize(int batchSize) {
      checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** Whether each epoch has a new random order (default true); false keeps the dataset order. */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      this.shuffleGiven = true;
      return this;
    }

    /**
     * Draws each epoch's samples with {@code sampler} (weights for the dataset's samples) instead
     * of shuffling them: {@code sampler.numSamples()} indices with replacement, seeded by the
     * {@link #seed} and the epoch, PyTorch's {@code DataLoader(ds, sampler=...)}. Not with
     * {@link #shuffle}, which PyTorch refuses with a sampler too.
     */
    public Builder sampler(WeightedRandomSampler sampler) {
      this.sampler = checkNotNull(sampler, "sampler is null; leave sampler out to shuffle");
      return this;
    }

    /**
     * Seed of the per-epoch shuffles (default 42): epoch {@code e}'s order depends only on it and
     * {@code e}.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether a last batch shorter than the batch size is dropped (default false: kept). */
    public Builder dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /**
     * Whether the next batch is gathered on a background thread while the caller works on the
     * current one (default false). Only for data in host memory (the CPU backend); a GPU backend
     * gathers asynchronously on the device anyway. Batches and their order are the same either
     * way. Off by default because the CPU backend's products already use every core: on 2 cores
     * the extra thread took time from them, and the 784-100-10 and 784-1000-1000-10 MLPs trained
     * 10-30% faster without it (docs/benchmarks.md); it pays where a gather is slow next to the
     * step and a core is spare.
     */
    public Builder prefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /**
     * Augments each training batch's inputs (default: none), e.g. {@link RandomShift},
     * {@link RandomRotation}, {@link RandomHorizontalFlip} (one channel or colour, channels first)
     * or a chain of them ({@link Augmentation#andThen}): applied when the batch is gathered, from a
     * random seeded by the seed, the epoch and the batch. The dataset itself is left as it is
     * ({@link #build}'s loader's {@link DataLoader#dataset}), and so is a test set, which no
     * loader augments. A {@link Dataset#normalized} data set's batches are augmented before they
     * are normalised (a shift's 0 is black, not the mean). The loader owns the inputs it hands
     * over and closes them once replaced; with {@link #prefetch} the augmentation may run on the
     * caller's thread and the prefetch thread at once. What it uploads per batch
     * ({@link RandomShift}'s index list) makes each step wait for the queued work on a GPU.
     */
    public Builder augment(Augmentation augmentation) {
      this.augmentation = checkNotNull(augmentation,
          "augmentation is null; leave augment out for batches as they are");
      return this;
    }

    /**
     * The loader; with {@code dropLast} a batch larger than the dataset is an
     * IllegalArgumentException.
     */
    public DataLoader build() {
      return new DataLoader(this);
    }
  }
}
