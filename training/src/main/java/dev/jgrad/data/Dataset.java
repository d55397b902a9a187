package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.PixelScale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Samples as two tensors on a backend, inputs and targets, paired by their first dimension.
 *
 * <pre>{@code
 * Dataset train = Dataset.of(images, labels);   // [8000, 784] and [8000]
 * Batch first = train.gather(Tensor.indices(new int[] {0, 1, 2}));
 * Dataset small = train.head(500);
 * }</pre>
 *
 * <p>Neither tensor requires grad: they are data, not parameters. On the CPU backend, images read
 * from files ({@link #ofImages}) are kept as UINT8 grey levels and each batch is converted to
 * FLOAT32 when it is gathered, so {@link #gather} returns what the model takes either way.
 * {@link #normalized} likewise normalises each batch as it is gathered, as PyTorch's
 * {@code transforms.Normalize} does, and leaves the stored samples as they are.
 */
public final class Dataset {
  /** Elements converted and uploaded at a time by {@link #ofImages}: 256 KiB of floats, small
   * enough for the garbage collector to treat as an ordinary object rather than a humongous one. */
  private static final int UPLOAD_BLOCK = 1 << 16;

  private final Tensor inputs;
  private final Tensor targets;
  /** How gathered UINT8 inputs become FLOAT32, or null: inputs are gathered as they are. */
  private final GreyLevels greyLevels;
  /** How gathered inputs are normalised after that, or null: they are not. */
  private final Normalization normalization;

  private Dataset(Tensor inputs, Tensor targets, GreyLevels greyLevels,
      Normalization normalization) {
    this.inputs = inputs;
    this.targets = targets;
    this.greyLevels = greyLevels;
    this.normalization = normalization;
  }

  /**
   * Pairs {@code inputs} (rank >= 1) with {@code targets} (rank >= 1) of the same number of
   * samples, on the same backend.
   */
  public static Dataset of(Tensor inputs, Tensor targets) {
    return of(inputs, targets, null);
  }

  private static Dataset of(Tensor inputs, Tensor targets, GreyLevels greyLevels) {
    checkNotNull(inputs, "inputs is null");
    checkNotNull(targets, "targets is null");
    checkArgument(inputs.rank() >= 1 && targets.rank() >= 1,
        "inputs %s and targets %s need a first dimension counting the samples", inputs.shape(),
        targets.shape());
    checkArgument(inputs.shape().dim(0) == targets.shape().dim(0),
        "inputs have %s samples %s but targets have %s %s; pass as many targets as inputs",
        inputs.shape().dim(0), inputs.shape(), targets.shape().dim(0), targets.shape());
    checkArgument(inputs.shape().dim(0) > 0, "the dataset is empty; pass at least one sample");
    checkArgument(inputs.backend() == targets.backend(),
        "inputs live on backend %s but targets on %s; move one with to(backend)",
        inputs.backend().name(), targets.backend().name());
    return new Dataset(inputs.detach(), targets.detach(), greyLevels, null);
  }

  /**
   * Images as a {@code [size, channels * rows * cols]} tensor on the current backend (one channel
   * for grey levels: {@code [size, rows * cols]}; colour images channels first, as
   * {@code ToTensor()}) and their labels as INT32 class indices {@code [size]}. Where the backend
   * keeps data in host memory (the CPU backend), images read from files keep their grey levels:
   * the inputs are UINT8 (one byte a pixel), and {@link #gather} converts each batch to FLOAT32
   * as the images' {@link PixelScale} says, the same values {@link LabeledImages#images()} holds.
   * On a device (a GPU: memory to spare, and the conversion would be two more kernel launches a
   * step) and for images made from floats the inputs are FLOAT32. The pixels go up a block of
   * images at a time, so they are never held as a second full array beside the tensor.
   */
  public static Dataset ofImages(LabeledImages images) {
    checkNotNull(images, "images is null");
    int n = images.pixelsPerImage();
    Backend backend = Backends.current();
    PixelScale scale = images.pixelScale().filter(s -> keepsDataInHostMemory(backend))
        .orElse(null);
    DeviceBuffer pixels = backend.allocate(scale == null ? DType.FLOAT32 : DType.UINT8,
        (long) images.size() * n);
    int block = Math.max(1, UPLOAD_BLOCK / n);
    byte[] greyChunk = null;
    float[] floatChunk = null;
    for (int from = 0; from < images.size(); from += block) {
      int to = Math.min(images.size(), from + block);
      int count = (to - from) * n;
      DeviceBuffer up;
      if (scale != null) {
        greyChunk = greyChunk != null && greyChunk.length == count ? greyChunk : new byte[count];
        images.copyGreyLevels(from, to, greyChunk, 0);
        up = backend.upload(greyChunk);
      } else {
        floatChunk = floatChunk != null && floatChunk.length == count ? floatChunk
            : new float[count];
        images.copyImages(from, to, floatChunk, 0);
        up = backend.upload(floatChunk);
      }
      try (up) {
        backend.copy(up, 0, pixels, (long) from * n, count);
      }
    }
    Tensor x = Tensor.wrap(backend, pixels, Shape.of(images.size(), n));
    return of(x, Tensor.indices(images.labels()),
        scale == null ? null : new GreyLevels(scale));
  }

  /** Whether {@code backend}'s buffers are host arrays ({@link HostBuffer}), as the CPU's are. */
  private static boolean keepsDataInHostMemory(Backend backend) {
    try (DeviceBuffer probe = backend.allocate(DType.UINT8, 0)) {
      return probe instanceof HostBuffer;
    }
  }

  /** Number of samples. */
  public int size() {
    return inputs.shape().dim(0);
  }

  /**
   * All inputs as stored, {@code [samples, ...]}: UINT8 grey levels for images read from files
   * onto the CPU backend ({@link #ofImages}; {@link #gather} and {@link #modelInputs} convert
   * them), else as given.
   * Shared, not copied: do not change it.
   */
  public Tensor inputs() {
    return inputs;
  }

  /**
   * All inputs as the model takes them, as {@link #gather} gives a batch's: FLOAT32 pixel values
   * for images read from files onto the CPU backend (a new tensor: {@link #inputs} holds their
   * grey levels), else {@link #inputs} itself. To predict a whole set at once:
   * {@code model.forward(testSet.modelInputs())}.
   */
  public Tensor modelInputs() {
    if (normalization == null) {
      return greyLevels == null ? inputs : greyLevels.copyToPixels(inputs);
    }
    if (greyLevels != null) {
      return normalization.applyInPlace(greyLevels.copyToPixels(inputs)); // a new tensor
    }
    return normalization.copy(inputs); // the stored inputs stay as they are
  }

  /**
   * These samples with every input value normalised as each batch is gathered:
   * {@code (x - mean) / std}, PyTorch's {@code transforms.Normalize((mean,), (std,))} (one
   * channel). The stored inputs stay as they are (images' grey levels stay one byte a pixel, where
   * normalising the whole set with {@code Dataset.of(d.modelInputs().sub(mean).div(std), ...)}
   * stores four), and each batch holds bit for bit what that gives. {@link #gather},
   * {@link #modelInputs} and so every loader, evaluation and trainer over the result see
   * normalised inputs; a {@link DataLoader}'s augmentation sees them before (so a shift fills in
   * 0, black, as PyTorch's transforms before {@code Normalize} do). Normalise the test set with
   * the training set's mean and standard deviation, and a model's inputs when it predicts. A
   * shared view: no data is copied. Fails for integer inputs (other than images' grey levels)
   * and on a data set normalised already.
   *
   * <pre>{@code
   * Dataset train = Dataset.ofImages(mnist.train()).normalized(0.1307, 0.3081);
   * }</pre>
   */
  public Dataset normalized(double mean, double std) {
    return normalizedBy(new Normalization(mean, std), "normalized(" + mean + ", " + std + ")");
  }

  /**
   * These samples normalised per channel as each batch is gathered, PyTorch's
   * {@code transforms.Normalize(mean=(...), std=(...))} for images of several channels (an
   * {@code ImageFolder}'s RGB): each sample's values are {@code means.length} equal planes,
   * channels first, and plane {@code c} becomes {@code (x - means[c]) / stds[c]}, bit for bit
   * what {@code x.sub(means[c]).div(stds[c])} gives that plane. Otherwise as
   * {@link #normalized(double, double)}, which one mean and deviation call.
   *
   * <pre>{@code
   * Dataset train = Dataset.ofImages(folder.images())
   *     .normalized(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
   * }</pre>
   */
  public Dataset normalized(double[] means, double[] stds) {
    if (means != null && stds != null && means.length == 1 && stds.length == 1) {
      return normalized(means[0], stds[0]);
    }
    String call = "normalized(" + Arrays.toString(means) + ", " + Arrays.toString(stds) + ")";
    return normalizedBy(new Normalization(means, stds, call), call);
  }

  /** These samples normalised by {@code n}, once; {@code call} names the call in errors. */
  private Dataset normalizedBy(Normalization n, String call) {
    checkArgument(normalization == null, "%s: this data set is %s already; normalise the data "
        + "set it came from once", call, normalization);
    checkArgument(greyLevels != null || inputs.dtype().isFloatingPoint(), "%s: inputs %s are not "
        + "floating point; normalise FLOAT32 or FLOAT64 inputs (or images' grey levels)", call,
        inputs.spec());
    String misfit = n.misfit(inputs.size() / size());
    checkArgument(misfit == null, "%s: inputs %s: %s", call, inputs.spec(), misfit);
    return new Dataset(inputs, targets, greyLevels, n);
  }

  /**
   * New inputs, {@code [n, ...]} with this data set's sample shape, normalised as this data set's
   * batches are ({@link #normalized}), bit for bit: a new tensor; {@code inputs} itself where
   * this data set is not normalised. The inputs must have the dtype the model takes
   * ({@link #modelInputs}'s: FLOAT32 for images). A service without the data set uses
   * {@link Normalization#of} with the same means and deviations.
   */
  public Tensor normalizeInputs(Tensor inputs) {
    checkNotNull(inputs, "inputs is null");
    Shape sample = sampleShape(this.inputs.shape());
    checkArgument(inputs.rank() >= 1 && sampleShape(inputs.shape()).equals(sample),
        "normalizeInputs: inputs %s are not [n, ...] of this data set's samples %s; e.g. one "
            + "image: Tensor.of(pixels, 1, pixels.length)", inputs.spec(), sample);
    DType dtype = greyLevels != null ? DType.FLOAT32 : this.inputs.dtype();
    checkArgument(inputs.dtype() == dtype, "normalizeInputs: inputs %s are not %s as this data "
        + "set's batches are; convert them with to(DType.%s)", inputs.spec(), dtype, dtype);
    return normalization == null ? inputs : normalization.apply(inputs);
  }

  /** How this data set normalises its batches ({@link #normalized}), if it does. */
  public Optional<Normalization> normalization() {
    return Optional.ofNullable(normalization);
  }

  /** {@code shape} without its first dimension (the sample count). */
  private static Shape sampleShape(Shape shape) {
    int[] dims = shape.dims();
    return Shape.of(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /**
   * All targets, {@code [samples, ...]} (INT32 class labels for classification); shared, not
   * copied.
   */
  public Tensor targets() {
    return targets;
  }

  /**
   * The samples at {@code indices} (a 1-D INT32 tensor), gathered on the backend; grey levels
   * converted to FLOAT32 pixel values.
   */
  public Batch gather(Tensor indices) {
    return normalize(gatherUnnormalized(indices));
  }

  /**
   * {@link #gather} before the normalisation (grey levels converted all the same): what a
   * loader's augmentation changes before {@link #normalize}.
   */
  Batch gatherUnnormalized(Tensor indices) {
    Tensor x = inputs.indexSelect(0, indices); // a new tensor, the batch's own
    return new Batch(greyLevels == null ? x : greyLevels.toPixels(x),
        targets.indexSelect(0, indices));
  }

  /**
   * {@code batch} (its caller's own: gathered, maybe augmented) with its inputs normalised in
   * place, or as it is when this data set is not {@link #normalized}; closed if that fails.
   */
  Batch normalize(Batch batch) {
    if (normalization != null) {
      try {
        normalization.applyInPlace(batch.inputs());
      } catch (RuntimeException | Error e) {
        batch.close();
        throw e;
      }
    }
    return batch;
  }

  /** The first {@code count} samples (all of them if there are fewer), e.g. for a quick run. */
  public Dataset head(int count) {
    checkArgument(count > 0, "head(%s): count must be positive", count);
    if (count >= size()) {
      return this;
    }
    // copies, not views: each batch gathers from them, and a view would be copied every time
    return new Dataset(inputs.slice(0, 0, count).contiguous(),
        targets.slice(0, 0, count).contiguous(), greyLevels, normalization);
  }

  /**
   * Splits the samples at random into datasets of {@code sizes} (in that order, adding up to
   * {@link #size()}), each sample in exactly one: e.g. a validation set held out of the training
   * data to choose hyperparameters by, as the book's 6.5 does. The same seed gives the same
   * split. The parts are copies (gathering from them needs no index map); grey levels stay grey
   * levels.
   *
   * <pre>{@code
   * List<Dataset> parts = train.randomSplit(7, 6400, 1600);   // 80% to train, 20% to validate
   * }</pre>
   */
  public List<Dataset> randomSplit(long seed, int... sizes) {
    checkNotNull(sizes, "sizes is null");
    int fifth = Math.max(1, size() / 5);
    checkArgument(sizes.length > 0, "randomSplit needs the sizes of the parts, e.g. "
        + "randomSplit(seed, %s)", size() < 2 ? String.valueOf(size())
            : (size() - fifth) + ", " + fifth);
    long sum = 0;
    for (int n : sizes) {
      checkArgument(n > 0, "randomSplit sizes %s: each part needs at least one sample",
          Arrays.toString(sizes));
      sum += n;
    }
    checkArgument(sum == size(), "randomSplit sizes %s add up to %s but the dataset has %s "
        + "samples; pass sizes that add up to %s", Arrays.toString(sizes), sum, size(), size());
    int[] order = Permutations.shuffled(size(), seed);
    int[][] parts = new int[sizes.length][];
    int from = 0;
    for (int p = 0; p < sizes.length; p++) {
      parts[p] = Arrays.copyOfRange(order, from, from + sizes[p]);
      from += sizes[p];
    }
    return select(parts);
  }

  /**
   * Splits at random into parts of {@code fractions} of the samples (each in [0, 1], adding up to
   * 1), PyTorch's {@code random_split(ds, [0.8, 0.2])}: the sizes by its rule (each part
   * {@code floor(size() * fraction)}, then the samples left over one each to the parts in turn
   * from the first: 0.8, 0.2 of 1001 samples is 801 and 200), then as
   * {@link #randomSplit(long, int...)} with those sizes, so the same seed gives the same parts.
   * The sizes match PyTorch's, the samples in each part do not (another random generator).
   *
   * <pre>{@code
   * List<Dataset> parts = table.randomSplit(7, 0.8, 0.2);      // train, validate
   * }</pre>
   */
  public List<Dataset> randomSplit(long seed, double... fractions) {
    String call = "randomSplit(" + seed + ", " + Arrays.toString(fractions) + ")";
    SplitSizes.check(call, fractions);
    int[] sizes = SplitSizes.of(size(), fractions, 0);
    SplitSizes.checkNoneEmpty(call, size(), sizes);
    return randomSplit(seed, sizes);
  }

  /**
   * Splits class-labelled samples (targets INT32 {@code [n]}) at random into parts of
   * {@code fractions} that each keep the classes' proportions (scikit-learn's
   * {@code train_test_split(..., stratify=y)}): each class is split by the fractions on its own,
   * with {@link #randomSplit(long, double...)}'s rule, so a class of 2% of 1000 samples gives a
   * 0.8, 0.2 split 16 and 4 of its 20, where a plain random split gives anywhere around that.
   * The leftover of each class goes to the parts in turn carrying on from the class before (in
   * ascending label order), so no part gets every class's extra sample; the parts' sizes can
   * then differ a little from {@code randomSplit}'s. A class with fewer samples than parts is
   * missing from some. The same seed gives the same parts (one shuffle of all
   * samples, from {@code seed}, picks each class's samples for each part and orders every part);
   * another seed another split. Copies, as {@link #randomSplit(long, int...)}'s.
   *
   * <pre>{@code
   * List<Dataset> parts = table.stratifiedSplit(7, 0.8, 0.2);  // both with the rare class's 2%
   * }</pre>
   */
  public List<Dataset> stratifiedSplit(long seed, double... fractions) {
    String call = "stratifiedSplit(" + seed + ", " + Arrays.toString(fractions) + ")";
    SplitSizes.check(call, fractions);
    checkArgument(targets.dtype() == DType.INT32 && targets.rank() == 1, "%s: the targets %s "
        + "are not class labels, INT32 [n]; stratify a classification data set "
        + "(Tensor.indices(labels), CsvTable.labels(column)), or use randomSplit", call,
        targets.spec());
    int[][] parts = Stratification.parts(targets.toIntArray(),
        Permutations.shuffled(size(), seed), fractions);
    SplitSizes.checkNoneEmpty(call, size(), Arrays.stream(parts).mapToInt(p -> p.length)
        .toArray());
    return select(parts);
  }

  /** One data set for each list of sample indices. */
  private List<Dataset> select(int[][] parts) {
    List<Dataset> datasets = new ArrayList<>(parts.length);
    for (int[] part : parts) {
      datasets.add(select(part));
    }
    return List.copyOf(datasets);
  }

  /** The samples at {@code indices}, copied as stored (not converted, unlike {@link #gather}). */
  private Dataset select(int[] indices) {
    Tensor at = Tensor.indices(indices).to(inputs.backend());
    return new Dataset(inputs.indexSelect(0, at), targets.indexSelect(0, at), greyLevels,
        normalization);
  }

  /**
   * A digest of the samples: shapes, dtypes and values of the inputs and targets, in order (the
   * same for the same samples however they were made, another for another split or another
   * {@link #normalized normalisation}). The
   * {@code Trainer} keeps its held-out set's in checkpoints, so that a resumed run is measured on
   * the same samples. Reads the data to the host once a call.
   */
  public String fingerprint() {
    Murmur3Digest digest = new Murmur3Digest();
    // the normalisation only where there is one: other data sets keep their fingerprints
    digest.putChars(inputs.spec() + "|" + targets.spec() + "|"
        + (greyLevels == null ? "null" : greyLevels.digestText()) + (normalization == null ? "" : "|" + normalization));
    putFloats(digest, inputs);
    if (targets.dtype() == DType.INT32) {
      for (int label : targets.toIntArray()) {
        digest.putInt(label);
      }
    } else {
      putFloats(digest, targets);
    }
    return digest.hex();
  }

  /**
   * {@code t}'s values as floats, read a few hundred thousand at a time: a held-out set of
   * stored grey levels read whole was an array four times its size (31 MB for Fashion-MNIST's).
   */
  private static void putFloats(Murmur3Digest digest, Tensor t) {
    int rows = t.rank() == 0 ? 1 : t.shape().dim(0);
    long perRow = rows == 0 ? 1 : Math.max(1, t.size() / rows);
    int chunk = (int) Math.max(1, Math.min(rows, (1 << 18) / perRow));
    if (t.rank() == 0 || chunk >= rows) {
      digest.putFloats(t.toFloatArray());
      return;
    }
    for (int from = 0; from < rows; from += chunk) {
      Tensor part = t.slice(0, from, Math.min(chunk, rows - from));
      digest.putFloats(part.toFloatArray());
    }
  }

  @Override
  public String toString() {
    return "Dataset(" + size() + " samples, inputs " + inputs.spec()
        + (greyLevels == null ? "" : " (" + greyLevels + ")")
        + (normalization == null ? "" : ", " + normalization) + ", targets " + targets.spec()
        + ")";
  }
}
