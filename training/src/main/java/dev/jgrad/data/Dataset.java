package dev.jgrad.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.LabeledImages;

/**
 * Samples as two tensors on a backend, inputs and targets, paired by their first dimension.
 *
 * <pre>{@code
 * Dataset train = Dataset.of(images, labels);   // [8000, 784] and [8000]
 * Batch first = train.gather(Tensor.indices(new int[] {0, 1, 2}));
 * Dataset small = train.head(500);
 * }</pre>
 *
 * <p>Neither tensor requires grad: they are data, not parameters.
 */
public final class Dataset {
  /** Floats converted and uploaded at a time by {@link #ofImages}: 256 KiB, small enough for
   * the garbage collector to treat as an ordinary object rather than a humongous one. */
  private static final int UPLOAD_BLOCK_FLOATS = 1 << 16;

  private final Tensor inputs;
  private final Tensor targets;

  private Dataset(Tensor inputs, Tensor targets) {
    this.inputs = inputs;
    this.targets = targets;
  }

  /**
   * Pairs {@code inputs} (rank >= 1) with {@code targets} (rank >= 1) of the same number of
   * samples, on the same backend.
   */
  public static Dataset of(Tensor inputs, Tensor targets) {
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
    return new Dataset(inputs.detach(), targets.detach());
  }

  /**
   * Images as a FLOAT32 {@code [size, rows * cols]} tensor on the current backend and their
   * labels as INT32 class indices {@code [size]}. The pixels go up a block of images at a time, so
   * images read as bytes are never held as a second full float array beside the tensor.
   */
  public static Dataset ofImages(LabeledImages images) {
    checkNotNull(images, "images is null");
    int n = images.pixelsPerImage();
    Backend backend = Backends.current();
    DeviceBuffer pixels = backend.allocate(DType.FLOAT32, (long) images.size() * n);
    int block = Math.max(1, UPLOAD_BLOCK_FLOATS / n);
    float[] chunk = new float[Math.min(images.size(), block) * n];
    for (int from = 0; from < images.size(); from += block) {
      int to = Math.min(images.size(), from + block);
      int count = (to - from) * n;
      float[] part = count == chunk.length ? chunk : new float[count];
      images.copyImages(from, to, part, 0);
      try (DeviceBuffer up = backend.upload(part)) {
        backend.copy(up, 0, pixels, (long) from * n, count);
      }
    }
    Tensor x = Tensor.wrap(backend, pixels, Shape.of(images.size(), n));
    return of(x, Tensor.indices(images.labels()));
  }

  /** Number of samples. */
  public int size() {
    return inputs.shape().dim(0);
  }

  /** All inputs, {@code [samples, ...]}; shared, not copied: do not change it. */
  public Tensor inputs() {
    return inputs;
  }

  /**
   * All targets, {@code [samples, ...]} (INT32 class labels for classification); shared, not
   * copied.
   */
  public Tensor targets() {
    return targets;
  }

  /** The samples at {@code indices} (a 1-D INT32 tensor), gathered on the backend. */
  public Batch gather(Tensor indices) {
    return new Batch(inputs.indexSelect(0, indices), targets.indexSelect(0, indices));
  }

  /** The first {@code count} samples (all of them if there are fewer), e.g. for a quick run. */
  public Dataset head(int count) {
    checkArgument(count > 0, "head(%s): count must be positive", count);
    if (count >= size()) {
      return this;
    }
    // copies, not views: each batch gathers from them, and a view would be copied every time
    return new Dataset(inputs.slice(0, 0, count).contiguous(),
        targets.slice(0, 0, count).contiguous());
  }

  @Override
  public String toString() {
    return "Dataset(" + size() + " samples, inputs " + inputs.spec() + ", targets "
        + targets.spec() + ")";
  }
}
