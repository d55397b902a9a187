package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.HostArrays;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientSink;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.ops.Norms;
import dev.jgrad.autograd.ops.ReductionOps;
import dev.jgrad.autograd.ops.SelectionOps;
import dev.jgrad.autograd.ops.StatisticsOps;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * An n-dimensional array on a backend that records, define-by-run, every op applied to it while
 * any input {@link #requiresGrad()}, so that {@link #backward()} can apply the chain rule.
 *
 * <p>A thin fluent facade: each method calls a registered op through {@link Ops#call}; the op's
 * forward and gradient rule live together in {@code dev.jgrad.autograd.ops}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
 * Tensor w = Tensor.randn(new Random(0), 2, 3).requiresGrad(true);
 * Tensor b = Tensor.zeros(3).requiresGrad(true);
 * Tensor loss = x.matmul(w).add(b).relu().sum();
 * loss.backward();
 * float[] dw = w.grad().toFloatArray();
 * }</pre>
 *
 * <p>{@code DocSnippetsTest} (training's tests, {@code dev.jgrad.snippets}) runs this example
 * as written and fails when the two differ.
 *
 * <p>Movement ops return views, not copies: {@link #permute}, {@link #transpose()},
 * {@link #slice(int, int, int, int)}, {@link #expand}, {@link #squeeze}, {@link #unsqueeze} and
 * {@link #reshape} (where the strides allow) give a tensor over the same buffer in another
 * {@link #layout()}. Every other op reads a view through a dense copy that it frees when done;
 * {@link #contiguous()} makes one to keep, and {@link #buffer()} refuses a view.
 *
 * <p>Tensors are immutable, except for the in-place updates optimizers use on parameters
 * ({@link #assign}, {@link #addScaledInPlace}), which never record graph nodes. Each in-place
 * change counts in {@link #version()}, so that a backward pass through an op that used the old
 * values fails instead of computing a wrong gradient.
 *
 * <p>Threads may read one tensor and compute from it at once; changing it in place, closing it
 * or running {@link #backward()} through a graph while another thread uses it is not safe
 * (docs/reliability.md, Threads).
 */
public final class Tensor {
  /** FLOAT32, the dtype of tensors made from float arrays and of factory methods without one. */
  public static final DType DEFAULT_DTYPE = DType.FLOAT32;

  private final Backend backend;
  private final DeviceBuffer buffer;
  private final Shape shape;
  /** Where the elements sit in {@link #buffer}; null: dense row-major over all of it. */
  private final StridedLayout layout;
  private boolean requiresGrad;
  private Node creator;
  private Tensor grad;
  /** A computed tensor whose gradient backward() stores too ({@link #retainGrad()}). */
  private boolean retainsGrad;
  private String name;
  private Version version = new Version();

  /** Counts the in-place changes of a buffer; shared by the tensors over it (detach, reshape). */
  private static final class Version {
    int value;
  }

  private Tensor(Backend backend, DeviceBuffer buffer, Shape shape) {
    this(backend, buffer, shape, null);
  }

  /** A tensor over {@code buffer} in {@code layout} (null: dense); a dense layout becomes null. */
  private Tensor(Backend backend, DeviceBuffer buffer, Shape shape, StridedLayout layout) {
    if (layout != null) {
      checkArgument(layout.rank() == shape.rank(), "a layout of rank %s cannot hold shape %s",
          layout.rank(), shape);
      checkArgument(layout.extent(shape) <= buffer.length(), "a view %s of shape %s reaches past "
          + "its buffer of %s elements", layout, shape, buffer.length());
      if (layout.offset() == 0 && buffer.length() == shape.size() && layout.isRowMajor(shape)) {
        layout = null; // one canonical form for dense, so isContiguous() is a null check
      }
    }
    checkArgument(layout != null || buffer.length() == shape.size(),
        "buffer of %s elements cannot hold shape %s", buffer.length(), shape);
    this.backend = backend;
    this.buffer = buffer;
    this.shape = shape;
    this.layout = layout;
  }

  /** A view of {@code shape} over {@code buffer} in {@code layout} (null: dense), for Ops. */
  static Tensor view(Backend backend, DeviceBuffer buffer, Shape shape, StridedLayout layout) {
    return new Tensor(backend, buffer, shape, layout);
  }

  /** Wraps a buffer the caller hands over (ownership moves to the tensor). */
  public static Tensor wrap(Backend backend, DeviceBuffer buffer, Shape shape) {
    return new Tensor(backend, buffer, shape);
  }

  // ---- factories -------------------------------------------------------------------------

  /** A FLOAT32 tensor on the current backend; {@code shape} defaults to 1-D. */
  public static Tensor of(float[] data, int... shape) {
    Shape s = shape.length == 0 ? Shape.of(data.length) : Shape.of(shape);
    checkLength(data.length, s);
    Backend b = Backends.current();
    return new Tensor(b, b.upload(data), s);
  }

  /** A FLOAT64 tensor on the current backend; {@code shape} defaults to 1-D. */
  public static Tensor of(double[] data, int... shape) {
    Shape s = shape.length == 0 ? Shape.of(data.length) : Shape.of(shape);
    checkLength(data.length, s);
    Backend b = Backends.current();
    return new Tensor(b, b.upload(data), s);
  }

  /**
   * A floating-point tensor of {@code dtype} from doubles (rounded when {@code dtype} is FLOAT32).
   * INT32 is refused rather than rounded: indices come from {@link #indices(int[])}.
   */
  public static Tensor of(double[] data, DType dtype, int... shape) {
    return of(data, dtype, shape.length == 0 ? Shape.of(data.length) : Shape.of(shape));
  }

  /** {@link #of(double[], DType, int...)} of exactly {@code shape}: rank 0 stays rank 0. */
  private static Tensor of(double[] data, DType dtype, Shape shape) {
    checkArgument(dtype.isFloatingPoint(), "a tensor of doubles cannot be %s; use "
        + "Tensor.indices(int[]) for INT32 indices, or .to(DType.INT32) to convert", dtype);
    checkLength(data.length, shape);
    Backend b = Backends.current();
    if (dtype == DType.FLOAT64) {
      return new Tensor(b, b.upload(data), shape);
    }
    float[] f = HostArrays.floats(data.length, () -> "converting " + shape + " to FLOAT32");
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) data[i];
    }
    return new Tensor(b, b.upload(f), shape);
  }

  /** A rank-0 tensor holding {@code value}. */
  public static Tensor scalar(double value, DType dtype) {
    return full(value, dtype);
  }

  /** A tensor of {@code shape} on the current backend with every element {@code value}. */
  public static Tensor full(double value, DType dtype, int... shape) {
    Backend b = Backends.current();
    Shape s = Shape.of(shape);
    DeviceBuffer buf = TensorBuffers.allocate(b, dtype, s, () -> "a tensor filled with " + value);
    b.fill(buf, value);
    return new Tensor(b, buf, s);
  }

  /** Zeros of {@code shape} in the default dtype (FLOAT32). */
  public static Tensor zeros(int... shape) {
    return full(0, DEFAULT_DTYPE, shape);
  }

  /** Zeros of {@code shape} in {@code dtype}. */
  public static Tensor zeros(DType dtype, int... shape) {
    return full(0, dtype, shape);
  }

  /** Ones of {@code shape} in the default dtype (FLOAT32). */
  public static Tensor ones(int... shape) {
    return full(1, DEFAULT_DTYPE, shape);
  }

  /** Ones of {@code shape} in {@code dtype}. */
  public static Tensor ones(DType dtype, int... shape) {
    return full(1, dtype, shape);
  }

  /** A tensor of {@code like}'s shape, dtype and backend with every element {@code value}. */
  public static Tensor fullLike(Tensor like, double value) {
    checkNotNull(like, "fullLike: the tensor to copy the shape of is null");
    Backend b = like.backend();
    DeviceBuffer buf = b.allocate(like.dtype(), like.shape().size());
    b.fill(buf, value);
    return new Tensor(b, buf, like.shape());
  }

  /** Zeros of {@code like}'s shape, dtype and backend, as {@code torch.zeros_like}. */
  public static Tensor zerosLike(Tensor like) {
    return fullLike(like, 0);
  }

  /** Ones of {@code like}'s shape, dtype and backend, as {@code torch.ones_like}. */
  public static Tensor onesLike(Tensor like) {
    return fullLike(like, 1);
  }

  /** The {@code n x n} identity matrix in FLOAT32, as {@code torch.eye(n)}. */
  public static Tensor eye(int n) {
    return eye(n, n);
  }

  /** Ones on the main diagonal of an {@code n x m} FLOAT32 matrix, as {@code torch.eye(n, m)}. */
  public static Tensor eye(int n, int m) {
    return eye(n, m, DEFAULT_DTYPE);
  }

  /** {@link #eye(int, int)} in {@code dtype} (FLOAT32 or FLOAT64), on the current backend. */
  public static Tensor eye(int n, int m, DType dtype) {
    return Diagonals.eye(n, m, dtype);
  }

  /**
   * {@code 0, 1, ..., end - 1} as INT32 on the current backend, as {@code torch.arange(end)}
   * (whose int64 is INT32 here).
   */
  public static Tensor arange(int end) {
    return arange(0, end, 1);
  }

  /**
   * {@code start, start + step, ...} up to but excluding {@code end}, INT32, as
   * {@code torch.arange} with integer arguments. A step of 0, or one whose sign leads away from
   * {@code end}, is an error.
   */
  public static Tensor arange(int start, int end, int step) {
    return Ranges.arange(start, end, step);
  }

  /**
   * {@code start + i step} for {@code i = 0 .. ceil((end - start) / step) - 1}, FLOAT32 (each
   * computed in double and rounded), as {@code torch.arange} with a non-integer argument. A step
   * of 0, one whose sign leads away from {@code end}, or a non-finite argument is an error.
   */
  public static Tensor arange(double start, double end, double step) {
    return Ranges.arange(start, end, step, DEFAULT_DTYPE);
  }

  /**
   * {@code steps} evenly spaced values from {@code start} to {@code end}, both included, FLOAT32,
   * as {@code torch.linspace}; {@code steps} 1 gives {@code [start]}, 0 an empty tensor.
   */
  public static Tensor linspace(double start, double end, int steps) {
    return linspace(start, end, steps, DEFAULT_DTYPE);
  }

  /** {@link #linspace(double, double, int)} in {@code dtype} (FLOAT32 or FLOAT64). */
  public static Tensor linspace(double start, double end, int steps, DType dtype) {
    checkArgument(dtype == DType.FLOAT32 || dtype == DType.FLOAT64,
        "linspace: dtype must be FLOAT32 or FLOAT64, got %s", dtype);
    return Ranges.linspace(start, end, steps, dtype);
  }

  /**
   * Standard normal samples from {@code random}, FLOAT32, in row-major order; no shape is a
   * rank-0 tensor of one sample, as {@code torch.randn(())}.
   */
  public static Tensor randn(Random random, int... shape) {
    return randn(random, DEFAULT_DTYPE, shape);
  }

  /**
   * Standard normal samples from {@code random}, in row-major order; no shape is a rank-0 tensor
   * of one sample.
   */
  public static Tensor randn(Random random, DType dtype, int... shape) {
    Shape s = Shape.of(shape);
    double[] d = HostArrays.doubles(s.intSize(), () -> "in Tensor.randn of shape " + s);
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return of(d, dtype, s);
  }

  /**
   * Uniform samples in [lo, hi) from {@code random}, in row-major order; no shape is a rank-0
   * tensor of one sample.
   */
  public static Tensor uniform(Random random, double lo, double hi, DType dtype, int... shape) {
    checkNotNull(random, "uniform: random is null; pass a seeded java.util.Random");
    checkArgument(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi,
        "uniform: the range [lo, hi) must be finite with lo <= hi, got [%s, %s)", lo, hi);
    Shape s = Shape.of(shape);
    double[] d = HostArrays.doubles(s.intSize(), () -> "in Tensor.uniform of shape " + s);
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * random.nextDouble();
    }
    return of(d, dtype, s);
  }

  /**
   * A 1-D INT32 tensor of indices (class labels, row numbers), on the current backend: what
   * {@link #indexSelect}, {@link #oneHot} and the labels losses take. Indices are never floats,
   * so every int is exact.
   */
  public static Tensor indices(int[] indices) {
    Backend b = Backends.current();
    return new Tensor(b, b.upload(indices), Shape.of(indices.length));
  }

  /**
   * A UINT8 tensor of stored data (image pixels), each byte read as unsigned (0..255), on the
   * current backend; {@code shape} defaults to 1-D. It is moved, gathered and converted, not
   * computed with: {@code .to(DType.FLOAT32)} before arithmetic. A quarter of FLOAT32's memory.
   */
  public static Tensor ofBytes(byte[] data, int... shape) {
    Shape s = shape.length == 0 ? Shape.of(data.length) : Shape.of(shape);
    checkLength(data.length, s);
    Backend b = Backends.current();
    return new Tensor(b, b.upload(data), s);
  }

  private static void checkLength(int length, Shape shape) {
    checkArgument(length == shape.size(), "%s values cannot fill shape %s (%s elements)", length,
        shape, shape.size());
  }

  // ---- properties ------------------------------------------------------------------------

  /** The dimensions, outermost first. */
  public Shape shape() {
    return shape;
  }

  /** The element type. */
  public DType dtype() {
    return buffer.dtype();
  }

  /** The backend whose memory holds the values and whose kernels compute with them. */
  public Backend backend() {
    return backend;
  }

  /** Shape and dtype together, as kernels and op definitions see a tensor. */
  public TensorSpec spec() {
    return new TensorSpec(shape, buffer.dtype());
  }

  /**
   * The backend buffer behind this tensor (for kernels; treat it as read-only), holding its
   * elements dense in row-major order.
   *
   * @throws IllegalStateException when this tensor is a non-contiguous view ({@link #permute},
   *     {@link #slice(int, int, int, int)}, {@link #expand}, ...), whose buffer holds other
   *     elements too: read {@code contiguous().buffer()} instead
   */
  public DeviceBuffer buffer() {
    if (layout != null) {
      throw new IllegalStateException("buffer(): " + spec() + " is a non-contiguous view ("
          + layout + " over a buffer of " + buffer.length() + " elements); call contiguous() "
          + "first");
    }
    return buffer;
  }

  /** The buffer behind this tensor, a view's too (the dispatcher and scopes own buffers so). */
  DeviceBuffer storage() {
    return buffer;
  }

  /**
   * Fails when this tensor's buffer was released, naming the likely cause and the fix: the
   * backends' own check says only "x (FLOAT32[784]) is closed", deep inside the op that read it.
   */
  /**
   * {@link #checkOpen} for input {@code index} of op {@code op}, its words built only when it
   * fails: it runs for every input of every op, and the concatenation cost every call.
   */
  void checkOpenAsInput(String op, int index) {
    if (buffer.isClosed()) {
      checkOpen(op + ": input " + index);
    }
  }

  void checkOpen(String where) {
    if (buffer.isClosed()) {
      throw new IllegalStateException(where + ": " + spec() + " was used after close: the"
          + " TensorScope it was computed in has closed and released it; use it inside that"
          + " scope, or keep it past the scope with scope.keep(tensor)");
    }
  }

  /** The layout of a view, null for a dense tensor. */
  StridedLayout layoutOrNull() {
    return layout;
  }

  /**
   * Where this tensor's elements sit in its buffer: offset and strides in elements, as
   * {@link StridedLayout#dense} for a contiguous tensor.
   */
  public StridedLayout layout() {
    return layout != null ? layout : StridedLayout.dense(shape);
  }

  /**
   * True when this tensor's elements fill its whole buffer in row-major order, as kernels and
   * {@link #buffer()} need; false for a view that reorders, skips or repeats elements, or that
   * covers part of a larger buffer (a slice).
   */
  public boolean isContiguous() {
    return layout == null;
  }

  /**
   * This tensor if {@link #isContiguous()}, else a dense row-major copy of it (one
   * {@link Backend#copyStrided}); it stays in the graph, gradients pass through unchanged.
   */
  public Tensor contiguous() {
    return layout == null ? this : Ops.call(OpNames.CONTIGUOUS, this);
  }

  /**
   * A dense copy of a view, outside the graph and any scope (the caller closes it), or this
   * tensor when it is dense already.
   */
  Tensor materialize() {
    if (layout == null) {
      return this;
    }
    DeviceBuffer out = backend.allocate(dtype(), shape.size());
    try {
      layout.copyDense(backend, buffer, shape, out);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return new Tensor(backend, out, shape);
  }

  /** Runs {@code read} on a dense buffer of this tensor's elements, a temporary one for a view. */
  private void readDense(Consumer<DeviceBuffer> read) {
    checkOpen("reading its values");
    Tensor dense = materialize();
    try {
      read.accept(dense.buffer);
    } finally {
      if (dense != this) {
        dense.buffer.close();
      }
    }
  }

  /** The number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.rank();
  }

  /** The number of elements, the product of the dimensions (1 for a scalar). */
  public long size() {
    return shape.size();
  }

  /** An optional name shown in graph exports and checkpoints. */
  public String name() {
    return name;
  }

  /** Sets the name {@link #name()} returns and returns this tensor. */
  public Tensor named(String name) {
    this.name = name;
    return this;
  }

  // ---- autograd ----------------------------------------------------------------------------

  /**
   * Whether {@link #backward} computes a gradient for this tensor (parameters, and results of ops
   * on them).
   */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Marks a leaf tensor (a parameter) as wanting gradients; only FLOAT32 and FLOAT64 can. A
   * computed tensor already requires grad, so {@code requiresGrad(true)} on it changes nothing
   * (its gradient is still not stored: that is {@link #retainGrad()}), and
   * {@code requiresGrad(false)} on it fails: {@link #detach()} instead.
   */
  public Tensor requiresGrad(boolean requiresGrad) {
    checkState(creator == null || requiresGrad,
        "cannot stop a computed tensor from requiring grad; use detach()");
    checkArgument(!requiresGrad || dtype().isFloatingPoint(), "requiresGrad: %s tensors have no "
        + "gradient; only FLOAT32 and FLOAT64 tensors can require grad (convert with .to(DType"
        + ".FLOAT32))", dtype());
    this.requiresGrad = requiresGrad;
    return this;
  }

  /** True for tensors not computed by a recorded op (inputs and parameters). */
  public boolean isLeaf() {
    return creator == null;
  }

  /**
   * The accumulated gradient after {@link #backward()}: of a leaf that requires grad, or of a
   * computed tensor that {@link #retainGrad() retains} it; null before any backward reached it,
   * after {@link #zeroGrad()}, and always for a computed tensor that does not retain it (as
   * PyTorch's {@code .grad}, and with PyTorch's warning, logged once: see {@link #retainGrad()}).
   *
   * <p>Each backward that adds to the gradient stores a new tensor here and leaves the one it
   * replaces unchanged, so a gradient fetched earlier keeps the value it had then:
   * {@code g = w.grad(); loss2.backward();} leaves {@code g} at the first gradient while
   * {@code w.grad()} is the sum (PyTorch adds in place, so its earlier {@code w.grad} shows the
   * sum too). Fetch {@code grad()} again after each backward. The gradient is computed in the
   * {@link TensorScope} open during the backward and released with it unless kept
   * ({@code scope.keep(w.grad())}).
   */
  public Tensor grad() {
    if (grad == null && creator != null && !retainsGrad) {
      NonLeafGradWarning.warnOnce(this);
    }
    return grad;
  }

  /**
   * Makes {@link #backward} store this computed tensor's gradient in {@link #grad()} too, as
   * PyTorch's {@code retain_grad()}; it accumulates over backward calls as a leaf's does. Only the
   * tensors that ask pay for it: a backward stores no other computed tensor's gradient. A leaf
   * that requires grad keeps its gradient anyway, so this changes nothing for it. The stored
   * gradient is a copy of its own (another tensor's gradient may share the buffer it came in),
   * computed in the open {@link TensorScope} like a leaf's; a {@link #detach()}ed tensor does not
   * retain. Returns this tensor.
   *
   * @throws IllegalStateException when this tensor does not require grad (computed from no
   *     tensor that does, or under {@link NoGrad}): no gradient reaches it
   */
  public Tensor retainGrad() {
    if (!requiresGrad) {
      throw new IllegalStateException("retainGrad: " + spec() + " does not require grad, so "
          + "backward() computes no gradient for it; call requiresGrad(true) on the leaves it is "
          + "computed from");
    }
    if (creator != null) {
      retainsGrad = true;
    }
    return this;
  }

  /**
   * True for a computed tensor whose gradient {@link #backward} stores ({@link #retainGrad()});
   * false for a leaf, whose gradient is stored anyway (PyTorch's {@code retains_grad}).
   */
  public boolean retainsGrad() {
    return retainsGrad;
  }

  /** Forgets the accumulated gradient. */
  public void zeroGrad() {
    grad = null;
  }

  /** The same data, cut from the graph: no creator and no gradient. */
  public Tensor detach() {
    Tensor d = new Tensor(backend, buffer, shape, layout);
    d.version = version; // same buffer, so the same in-place changes
    return d;
  }

  /** A copy with its own buffer that stays in the graph (gradients flow through it). */
  public Tensor copy() {
    return mul(1.0);
  }

  /**
   * How many times this tensor's data was changed in place ({@link #assign},
   * {@link #addScaledInPlace}, {@link #markChangedInPlace}), counting changes through any tensor
   * sharing its buffer ({@link #detach}, {@link #reshape}).
   */
  public int version() {
    return version.value;
  }

  /**
   * Records an in-place change made by writing {@link #buffer()} directly, as optimizers do, so
   * that a graph which used the old values refuses to back-propagate through them.
   */
  public void markChangedInPlace() {
    version.value++;
  }

  void shareVersionOf(Tensor viewed) {
    version = viewed.version;
  }

  Node creator() {
    return creator;
  }

  void recordCreator(Node node) {
    this.creator = node;
    this.requiresGrad = true;
  }

  /** Adds {@code g} to the stored gradient; Backprop calls it inside a no-grad scope. */
  void accumulateGrad(Tensor g) { // a gradient that is a view (of a permute's) is stored dense
    if (grad != null && grad.buffer.isClosed()) {
      // the last step's gradient, released by its TensorScope: adding to it would fail deep in
      // a kernel ("a (FLOAT32[10]) is closed"), naming neither the tensor nor the cause
      throw new IllegalStateException("backward(): the gradient of " + describe() + " from "
          + "an earlier backward was released when its TensorScope closed; call "
          + "optimizer.zeroGrad() (or model.zeroGrad()) before each step's backward, or, to "
          + "accumulate gradients across scopes on purpose, keep them past each scope with "
          + "scope.keep(p.grad()) after its backward");
    }
    if (grad != null) {
      grad = grad.add(g).detach();
    } else if (creator != null) {
      // a retained gradient is a copy, as PyTorch's retain_grad clones: g's buffer may be a
      // leaf's gradient too (through a reshape), which GradClip scales in place
      grad = g.mul(1.0).detach();
    } else {
      grad = g.contiguous().detach();
    }
  }

  /** This tensor in an error message: its name, or what it is, with its spec. */
  String describe() {
    String what = name != null ? "'" + name + "'"
        : creator == null ? "a leaf" : "a computed tensor";
    return what + " " + spec();
  }

  /**
   * Back-propagates from this scalar: adds to {@link #grad()} of every leaf that requires grad,
   * then frees the graph's saved tensors, so a second backward through it fails; see
   * {@link #backward(boolean)}.
   */
  public void backward() {
    Backprop.run(this, null, false);
  }

  /**
   * Like {@link #backward()}; with {@code retainGraph} the graph is kept, so that it can be
   * back-propagated again (each pass adds to the gradients).
   */
  public void backward(boolean retainGraph) {
    Backprop.run(this, null, retainGraph);
  }

  /**
   * Like {@link #backward()}, offering the gradients of the leaves in {@code sinks} to their sinks
   * during the pass (an optimizer's update in the backward pass; see
   * {@code Optimizer.backwardStep}). A leaf used exactly once in the graph, by an op whose
   * gradient rule can hand its gradient over (a matrix product's weight), gets no gradient: its
   * sink applied it. Every other leaf's gradient accumulates into {@link #grad()} as usual. A
   * sink changes its leaf during the pass, so a pass that fails part-way has applied the updates
   * of the layers it reached.
   */
  public void backward(Map<Tensor, ? extends GradientSink> sinks) {
    checkArgument(sinks != null, "backward(sinks): sinks is null; pass an empty map for none");
    Backprop.run(this, null, false, sinks);
  }

  /** Back-propagates {@code gradient} (same shape as this tensor) into every leaf. */
  public void backward(Tensor gradient) {
    Backprop.run(this, gradient, false);
  }

  /** Like {@link #backward(Tensor)}, keeping the graph when {@code retainGraph}. */
  public void backward(Tensor gradient, boolean retainGraph) {
    Backprop.run(this, gradient, retainGraph);
  }

  // ---- host access -------------------------------------------------------------------------

  /**
   * The values copied to the host in row-major order, converted to float; a view is read through a
   * dense copy.
   */
  public float[] toFloatArray() {
    float[] out = HostArrays.floats(shape.intSize(), () -> "in toFloatArray() of " + spec());
    readDense(b -> backend.download(b, out));
    return out;
  }

  /**
   * The values copied to the host in row-major order, converted to double; a view is read through
   * a dense copy.
   */
  public double[] toDoubleArray() {
    double[] out = HostArrays.doubles(shape.intSize(), () -> "in toDoubleArray() of " + spec());
    readDense(b -> backend.download(b, out));
    return out;
  }

  /** The values of an INT32 tensor (indices, argmax); other dtypes: convert with to(INT32). */
  public int[] toIntArray() {
    checkState(dtype() == DType.INT32, "toIntArray() needs an INT32 tensor, this one is %s; "
        + "convert it with to(DType.INT32)", spec());
    int[] out = HostArrays.ints(shape.intSize(), () -> "in toIntArray() of " + spec());
    readDense(b -> backend.download(b, out));
    return out;
  }

  /** The value of a one-element tensor. */
  public double item() {
    checkState(shape.size() == 1, "item() needs a tensor with one element, this one is %s", shape);
    return toDoubleArray()[0];
  }

  /**
   * The element at {@code index} (one index per axis; a negative one counts from the end), as a
   * double. Only that element leaves the device: it is copied into a one-element buffer first.
   *
   * @throws IllegalArgumentException when the number of indices is not the rank
   * @throws IndexOutOfBoundsException naming the index, its axis and the shape when out of range
   */
  public double item(int... index) {
    if (index.length != shape.rank()) { // formatted only then: item() ends every training step
      throw new IllegalArgumentException("item: " + index.length + " index(es) "
          + Arrays.toString(index) + " for a tensor of shape " + shape + " (rank " + shape.rank()
          + "); give one index per axis");
    }
    StridedLayout at = layout();
    long offset = at.offset();
    for (int axis = 0; axis < index.length; axis++) {
      int dim = shape.dim(axis);
      int i = index[axis] < 0 ? index[axis] + dim : index[axis];
      if (i < 0 || i >= dim) {
        throw new IndexOutOfBoundsException("item: index " + index[axis] + " is out of range for "
            + "axis " + axis + " of size " + dim + " in shape " + shape + "; valid indices are ["
            + -dim + ", " + dim + ")");
      }
      offset += i * at.stride(axis);
    }
    double[] value = new double[1];
    try (DeviceBuffer one = backend.allocate(dtype(), 1)) {
      backend.copy(buffer, offset, one, 0, 1);
      backend.download(one, value);
    }
    return value[0];
  }

  /**
   * A copy in another dtype, on this tensor's backend. To INT32 it casts as Java does: toward
   * zero, NaN to 0, saturating at the int range; UINT8 pixels become their values 0..255
   * ({@link Backend#convert}). Between FLOAT32 and FLOAT64 it is differentiable, as in PyTorch:
   * the gradient comes back converted to this tensor's dtype. An integer result does not require
   * grad.
   */
  public Tensor to(DType dtype) {
    if (dtype == dtype()) {
      return this;
    }
    return Ops.call(OpNames.CONVERT, Attrs.of(AttrKeys.DTYPE, dtype.name()), this);
  }

  /** A copy on another backend (no graph edge). */
  public Tensor to(Backend target) {
    if (target == backend) {
      return this;
    }
    DeviceBuffer[] moved = new DeviceBuffer[1];
    readDense(b -> moved[0] = BufferTransfer.copy(backend, b, target));
    return new Tensor(target, moved[0], shape);
  }

  // ---- in-place updates (optimizers) -------------------------------------------------------

  /** Overwrites this tensor's values with {@code src}'s; never recorded. */
  public void assign(Tensor src) {
    checkArgument(src.shape.equals(shape), "assign: source shape %s differs from target %s",
        src.shape, shape);
    checkArgument(src.dtype() == dtype(), "assign: source dtype %s differs from target %s",
        src.dtype(), dtype());
    checkWritable("assign");
    src.readDense(b -> backend.copy(b, 0, buffer, 0, shape.size()));
    markChangedInPlace();
  }

  /**
   * {@code this += alpha * x}, in place and never recorded (the SGD update); {@code x} has this
   * tensor's shape and floating-point dtype.
   */
  public void addScaledInPlace(Tensor x, double alpha) {
    checkArgument(x.shape.equals(shape), "addScaledInPlace: shape %s differs from target %s",
        x.shape, shape);
    // checked here, in the caller's words: the backends' checks name their sgdUpdate primitive
    checkArgument(dtype().isFloatingPoint(), "addScaledInPlace: the target is %s; only FLOAT32 "
        + "and FLOAT64 tensors can be updated in place", spec());
    checkArgument(x.dtype() == dtype(), "addScaledInPlace: x is %s but the target is %s; convert "
        + "it with x.to(DType.%s)", x.spec(), spec(), dtype());
    checkWritable("addScaledInPlace");
    x.readDense(xb -> {
      if (backend instanceof FusedSgd fused) { // this += alpha x is an SGD step of rate -alpha
        try (DeviceBuffer rate = backend.allocate(DType.FLOAT64, 1)) {
          backend.fill(rate, -alpha); // queued, as the update is: no wait for the device
          fused.sgdUpdate(buffer, xb, null, rate, 0, 0);
        }
      } else {
        DeviceBuffer scaled = backend.allocate(dtype(), shape.size());
        backend.scalar(BinaryOp.MUL, xb, alpha, scaled);
        backend.binary(BinaryOp.ADD, buffer, shape, scaled, shape, buffer, shape);
        scaled.close();
      }
    });
    markChangedInPlace();
  }

  /** In-place updates write the buffer densely, so a view (of part of it) cannot take them. */
  private void checkWritable(String op) {
    if (layout != null) {
      throw new IllegalStateException(op + ": the target " + spec() + " is a non-contiguous view "
          + "(" + layout + "); update the tensor it views, or a contiguous() copy");
    }
  }

  // ---- arithmetic (NumPy broadcasting) ---------------------------------------------------

  /** {@code this + other}, elementwise with NumPy broadcasting; both of one dtype. */
  public Tensor add(Tensor other) {
    return Ops.call(OpNames.ADD, this, other);
  }

  /** {@code this + value} for every element. */
  public Tensor add(double value) {
    return Ops.call(OpNames.ADD_SCALAR, Attrs.of(AttrKeys.VALUE, value), this);
  }

  /** {@code this - other}, elementwise with NumPy broadcasting. */
  public Tensor sub(Tensor other) {
    return Ops.call(OpNames.SUB, this, other);
  }

  /** {@code this - value} for every element. */
  public Tensor sub(double value) {
    try {
      return add(-value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("sub", e, OpNames.ADD_SCALAR);
    }
  }

  /**
   * {@code this * other}, elementwise with NumPy broadcasting (not a matrix product: see {@link
   * #matmul}).
   */
  public Tensor mul(Tensor other) {
    return Ops.call(OpNames.MUL, this, other);
  }

  /** {@code this * value} for every element. */
  public Tensor mul(double value) {
    return Ops.call(OpNames.MUL_SCALAR, Attrs.of(AttrKeys.VALUE, value), this);
  }

  /**
   * {@code this / other}, elementwise with NumPy broadcasting; division by 0 gives infinities or
   * NaN as IEEE 754 does.
   */
  public Tensor div(Tensor other) {
    return Ops.call(OpNames.DIV, this, other);
  }

  /** {@code this / value} for every element, computed as a product with {@code 1 / value}. */
  public Tensor div(double value) {
    try {
      return mul(1.0 / value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("div", e, OpNames.MUL_SCALAR);
    }
  }

  /**
   * {@code e} with its message naming {@code called}, the method the user called, where it named
   * one of {@code ops}, the ops that method is computed with ({@code div(2)} is {@code
   * mul_scalar(0.5)}, but the user wrote div); any other error as it was.
   */
  private static RuntimeException calledAs(String called, RuntimeException e, String... ops) {
    String m = e.getMessage();
    for (String op : ops) {
      if (m != null && m.startsWith(op + ":")) {
        String renamed = called + m.substring(op.length());
        return e instanceof IllegalStateException ? new IllegalStateException(renamed, e)
            : new IllegalArgumentException(renamed, e);
      }
    }
    return e;
  }

  /** {@code -this}. */
  public Tensor neg() {
    return Ops.call(OpNames.NEG, this);
  }

  /** Elementwise power with a constant exponent. */
  public Tensor pow(double exponent) {
    return Ops.call(OpNames.POW, Attrs.of(AttrKeys.EXPONENT, exponent), this);
  }

  /** {@code e^x} elementwise. */
  public Tensor exp() {
    return Ops.call(OpNames.EXP, this);
  }

  /** The natural logarithm elementwise; NaN below 0, minus infinity at 0. */
  public Tensor log() {
    return Ops.call(OpNames.LOG, this);
  }

  /**
   * The sine elementwise (radians), as {@code torch.sin}: NaN for NaN and the infinities. The CPU
   * computes fdlibm's {@link StrictMath#sin}, the same bits everywhere; the gradient is
   * {@code cos x}.
   */
  public Tensor sin() {
    return Ops.call(OpNames.SIN, this);
  }

  /** The cosine elementwise (radians), as {@code torch.cos}; the gradient is {@code -sin x}. */
  public Tensor cos() {
    return Ops.call(OpNames.COS, this);
  }

  /**
   * {@code ln(1 + x)} elementwise, as {@code torch.log1p}: to the last bit near 0, where
   * {@code x.add(1).log()} loses x's low bits; -infinity at -1, NaN below. The CPU computes fdlibm's
   * {@link StrictMath#log1p}; the gradient is {@code 1 / (1 + x)}.
   */
  public Tensor log1p() {
    return Ops.call(OpNames.LOG1P, this);
  }

  /**
   * {@code e^x - 1} elementwise, as {@code torch.expm1}: to the last bit near 0, where
   * {@code x.exp().sub(1)} cancels. The CPU computes fdlibm's {@link StrictMath#expm1}; the
   * gradient is {@code e^x} (PyTorch's, the output plus 1, is 0 or an ulp of 1 where e^x is
   * below that).
   */
  public Tensor expm1() {
    return Ops.call(OpNames.EXPM1, this);
  }

  /** The square root elementwise; NaN below 0. */
  public Tensor sqrt() {
    return Ops.call(OpNames.SQRT, this);
  }

  /** {@code |x|}; the gradient is {@code sign(x)}, 0 at 0 (as PyTorch's). */
  public Tensor abs() {
    return Ops.call(OpNames.ABS, this);
  }

  /**
   * Each element limited to {@code [min, max]} (either may be infinite); NaN stays NaN. The
   * gradient is 1 where {@code min <= x <= max}, else 0. {@code min > max} is an error.
   */
  public Tensor clamp(double min, double max) {
    return Ops.call(OpNames.CLAMP, Attrs.of(AttrKeys.LOWER, min, AttrKeys.UPPER, max), this);
  }

  /** {@code x * x} elementwise, as {@code torch.square}; the gradient is {@code 2x}. */
  public Tensor square() {
    try {
      return mul(this);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("square", e, OpNames.MUL);
    }
  }

  /** {@code 1 / x} elementwise (IEEE division: infinity at 0), as {@code torch.reciprocal}. */
  public Tensor reciprocal() {
    try {
      return fullLike(this, 1).div(this);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("reciprocal", e, OpNames.DIV);
    }
  }

  /** {@code 1 / sqrt(x)} elementwise (NaN below 0), as {@code torch.rsqrt}. */
  public Tensor rsqrt() {
    try {
      return sqrt().reciprocal();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("rsqrt", e, OpNames.SQRT, "reciprocal");
    }
  }

  /** {@code max(x, min)} elementwise: {@link #clamp} without an upper bound. */
  public Tensor clampMin(double min) {
    try {
      return clamp(min, Double.POSITIVE_INFINITY);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("clampMin", e, OpNames.CLAMP);
    }
  }

  /** {@code min(x, max)} elementwise: {@link #clamp} without a lower bound. */
  public Tensor clampMax(double max) {
    try {
      return clamp(Double.NEGATIVE_INFINITY, max);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("clampMax", e, OpNames.CLAMP);
    }
  }

  /**
   * Picks {@code a} where {@code cond} is nonzero, {@code b} where it is 0, broadcasting all
   * three (NumPy rules). {@code cond} is a 0/1 tensor as {@link #greater} and {@link #eq} return,
   * of either float dtype or INT32; any nonzero (NaN too) counts as true. It selects rather than
   * blends, so an Inf or NaN in the branch not taken stays out of the result. Gradients go to
   * {@code a} where it was taken and to {@code b} elsewhere (summed over broadcast axes); none
   * to {@code cond}.
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    return SelectionOps.where(cond, a, b);
  }

  /** 1 where this > other (broadcast), else 0; not differentiable. */
  public Tensor greater(Tensor other) {
    return Ops.call(OpNames.GREATER, this, other);
  }

  /** 1 where this &lt; other (broadcast), else 0, in {@link #greater}'s dtype; no gradient. */
  public Tensor less(Tensor other) {
    checkNotNull(other, "less: other is null");
    return other.greater(this);
  }

  /**
   * 1 where this &lt;= other (broadcast), else 0 (0 where either is NaN), the dtype
   * {@link #greater} gives; not differentiable.
   */
  public Tensor lessEqual(Tensor other) {
    checkNotNull(other, "lessEqual: other is null");
    return other.greater(this).add(eq(other)); // the two never hold together
  }

  /** 1 where this &gt;= other (broadcast), else 0 (0 where either is NaN); not differentiable. */
  public Tensor greaterEqual(Tensor other) {
    checkNotNull(other, "greaterEqual: other is null");
    return greater(other).add(eq(other));
  }

  /**
   * 1 where this != other (broadcast), else 0 (1 where either is NaN, as PyTorch's {@code ne}),
   * the dtype {@link #eq} gives; not differentiable.
   */
  public Tensor notEqual(Tensor other) {
    checkNotNull(other, "notEqual: other is null");
    return eq(other).neg().add(1);
  }

  /**
   * The larger of this and {@code other} elementwise (broadcast), as {@code torch.maximum}: NaN
   * where either is NaN; of 0.0 and -0.0, 0.0. The gradient goes to the larger input, half to
   * each on a tie (PyTorch's rule), all of it to both where a NaN is involved.
   */
  public Tensor maximum(Tensor other) {
    return Ops.call(OpNames.MAXIMUM, this, other);
  }

  /** The smaller of this and {@code other} elementwise, as {@link #maximum}; -0.0 over 0.0. */
  public Tensor minimum(Tensor other) {
    return Ops.call(OpNames.MINIMUM, this, other);
  }

  /**
   * 1 where this == other (broadcast), else 0; not differentiable. Two INT32 tensors (labels, an
   * argmax) compare exactly and give FLOAT32, so {@code scores.argmax(1).eq(labels).mean()} is
   * the accuracy, as PyTorch's {@code (scores.argmax(1) == labels).float().mean()}.
   */
  public Tensor eq(Tensor other) {
    if (dtype() == DType.INT32 && other != null && other.dtype() == DType.INT32) {
      // through FLOAT64, which holds every int exactly (FLOAT32 would equate 2^24 and 2^24 + 1)
      return to(DType.FLOAT64).eq(other.to(DType.FLOAT64)).to(DType.FLOAT32);
    }
    return Ops.call(OpNames.EQUAL, this, other);
  }

  // ---- linear algebra and shapes -----------------------------------------------------------

  /**
   * Matrix product as NumPy's {@code matmul}: [m, k] x [k, n] = [m, n]; with batch axes
   * [..., m, k] x [..., k, n] = [..., m, n], the batch axes broadcast ([8, 3, 4] x [4, 5] =
   * [8, 3, 5]); a vector is a row on the left and a column on the right, and that axis is dropped
   * ([k] x [k, n] = [n]).
   */
  public Tensor matmul(Tensor other) {
    return Ops.call(OpNames.MATMUL, this, other);
  }

  /** Swaps the last two axes: a view of the same buffer, no copy. */
  public Tensor transpose() {
    return Ops.call(OpNames.TRANSPOSE, this);
  }

  /**
   * Swaps axes {@code a} and {@code b} (negative ones count from the end): a view of the same
   * buffer, no copy, as {@link #permute}.
   */
  public Tensor transpose(int a, int b) {
    int rank = shape.rank();
    if (a < -rank || a >= rank || b < -rank || b >= rank) {
      throw new IllegalArgumentException(OpNames.PERMUTE + ": transpose(" + a + ", " + b
          + ") of shape " + shape + "; each axis must be in [" + -rank + ", " + rank + ")");
    }
    int[] axes = allAxes();
    int i = shape.normalizeAxis(a);
    int j = shape.normalizeAxis(b);
    axes[i] = j;
    axes[j] = i;
    return permute(axes);
  }

  /**
   * The axes reordered: axis {@code i} of the result is axis {@code axes[i]} of this tensor
   * ({@code [2, 3, 4].permute(2, 0, 1)} is {@code [4, 2, 3]}). A view of the same buffer, no
   * copy; each axis must appear once.
   */
  public Tensor permute(int... axes) {
    return Ops.call(OpNames.PERMUTE, Attrs.of(AttrKeys.AXES, axes), this);
  }

  /**
   * Every {@code step}-th entry along {@code axis} from {@code start} up to (not including)
   * {@code stop}, as Python's {@code x[start:stop:step]}: a view of the same buffer, no copy.
   * Needs {@code 0 <= start <= stop <= size} of the axis and {@code step >= 1}.
   */
  public Tensor slice(int axis, int start, int stop, int step) {
    if (step < 1) {
      throw new IllegalArgumentException(OpNames.SLICE + ": step must be >= 1, got " + step
          + " (axis " + axis + " of shape " + shape + ")");
    }
    int size = axis >= -shape.rank() && axis < shape.rank() ? shape.dim(axis) : -1;
    if (size >= 0 && (start < 0 || stop < start || stop > size)) {
      throw new IllegalArgumentException(OpNames.SLICE + ": range [" + start + ", " + stop
          + ") is outside axis " + axis + " of size " + size + " in shape " + shape
          + "; take 0 <= start <= stop <= " + size);
    } // a bad axis is the shape rule's to report
    return Ops.call(OpNames.SLICE, Attrs.of(AttrKeys.AXIS, axis, AttrKeys.START, start,
        AttrKeys.LENGTH, (stop - start + step - 1) / step, AttrKeys.STEP, step), this);
  }

  /**
   * Broadcasts to {@code dims} without copying (each repeated entry reads one element: stride
   * 0): axes of size 1 grow, new leading axes are added, and -1 keeps an axis's size, as
   * PyTorch's {@code expand}. Its gradient sums over the repeated axes.
   */
  public Tensor expand(int... dims) {
    int[] to = dims.clone();
    for (int i = 0; i < to.length; i++) {
      int from = i - (to.length - shape.rank());
      if (to[i] == -1 && from < 0) {
        throw new IllegalArgumentException(OpNames.BROADCAST_TO + ": expand"
            + Arrays.toString(dims) + " of shape " + shape + " puts -1 on new axis " + i
            + ", which has no size to keep; give its size");
      }
      if (to[i] == -1) {
        to[i] = shape.dim(from);
      }
    }
    return broadcastTo(to);
  }

  /** Drops {@code axis}, which must have size 1: a view of the same buffer, no copy. */
  public Tensor squeeze(int axis) {
    return Ops.call(OpNames.SQUEEZE, Attrs.of(AttrKeys.AXIS, axis), this);
  }

  /**
   * Inserts an axis of size 1 at position {@code axis} of the result (0 to rank; negative counts
   * from the end of the result): a view of the same buffer, no copy.
   */
  public Tensor unsqueeze(int axis) {
    return Ops.call(OpNames.UNSQUEEZE, Attrs.of(AttrKeys.AXIS, axis), this);
  }

  /**
   * Same data, another shape of the same size; one dimension may be -1 (inferred). A view of the
   * same buffer where the strides allow (always for a tensor in row-major order; not when it
   * merges axes a permute reordered), else a copy.
   */
  public Tensor reshape(int... dims) {
    return Ops.call(OpNames.RESHAPE, Attrs.of(AttrKeys.SHAPE, dims), this);
  }

  /** All axes merged into one, as {@code torch.flatten(x)}: a scalar gives one element. */
  public Tensor flatten() {
    return flatten(0, -1);
  }

  /**
   * Axes {@code startDim} to {@code endDim} (both included; negative counts from the end) merged
   * into one, as {@code torch.flatten(x, startDim, endDim)}; a view where {@link #reshape} is.
   */
  public Tensor flatten(int startDim, int endDim) {
    return Splits.flatten(this, startDim, endDim);
  }

  /**
   * Consecutive parts along {@code axis} of the given sizes, which must add up to the axis's
   * size, as {@code torch.split(x, sizes, axis)}: views, no copy.
   */
  public List<Tensor> split(int[] sizes, int axis) {
    return Splits.split(this, sizes, axis);
  }

  /**
   * Parts of {@code size} along {@code axis}, the last shorter, as {@code torch.split(x, size,
   * axis)}: views, no copy.
   */
  public List<Tensor> split(int size, int axis) {
    return Splits.split(this, size, axis);
  }

  /**
   * {@code n} parts along {@code axis} as {@code torch.chunk}: each {@code ceil(size / n)} long,
   * the last shorter, so fewer than {@code n} when the axis is short; views, no copy.
   */
  public List<Tensor> chunk(int n, int axis) {
    return Splits.chunk(this, n, axis);
  }

  /**
   * The entries reversed along each of {@code axes} (negative from the end), as
   * {@code torch.flip}: a copy; the gradient is the output gradient flipped back.
   */
  public Tensor flip(int... axes) {
    return Rearrangements.flip(this, axes);
  }

  /**
   * The tensor tiled {@code times[i]} times along axis i, as {@code torch.Tensor.repeat}: with
   * more counts than axes, leading axes are added ({@code [2, 3]} repeated {@code (4, 1, 2)} is
   * {@code [4, 2, 6]}); a count of 0 gives an empty axis. The gradient sums the tiles.
   */
  public Tensor repeat(int... times) {
    return Rearrangements.repeat(this, times);
  }

  /**
   * As {@code torch.diag(x)}: of a vector, the square matrix with it on the diagonal and zeros
   * elsewhere (a NaN stays on the diagonal); of a matrix, its diagonal as a vector.
   */
  public Tensor diag() {
    return diag(0);
  }

  /**
   * As {@code torch.diag(x, diagonal)}: {@link #diag()} on diagonal {@code k}, above the main
   * one for {@code k > 0}, below for {@code k < 0}; a matrix's diagonal outside it is empty.
   */
  public Tensor diag(int k) {
    return Diagonals.diag(this, k);
  }

  /** Broadcasts to a larger shape (NumPy rules): a view of the same buffer, no copy. */
  public Tensor broadcastTo(int... dims) {
    return Ops.call(OpNames.BROADCAST_TO, Attrs.of(AttrKeys.SHAPE, dims), this);
  }

  /** Rows (or slices along {@code axis}) picked by an INT32 index tensor, e.g. a mini-batch. */
  public Tensor indexSelect(int axis, Tensor indices) {
    return Ops.call(OpNames.INDEX_SELECT, Attrs.of(AttrKeys.AXIS, axis), this, indices);
  }

  /** {@code length} slices starting at {@code start} along {@code axis}: a view, no copy. */
  public Tensor slice(int axis, int start, int length) {
    return Ops.call(OpNames.SLICE,
        Attrs.of(AttrKeys.AXIS, axis, AttrKeys.START, start, AttrKeys.LENGTH, length), this);
  }

  /**
   * Joins tensors of one shape along a new axis at {@code axis} (0 to rank; negative counts from
   * the end of the result): n tensors of shape [2, 3] stacked at 0 give [n, 2, 3].
   */
  public static Tensor stack(int axis, Tensor... tensors) {
    return SelectionOps.stack(axis, Arrays.asList(tensors));
  }

  /** {@link #stack(int, Tensor...)} of a list. */
  public static Tensor stack(int axis, List<Tensor> tensors) {
    return SelectionOps.stack(axis, tensors);
  }

  /**
   * PyTorch's gather: {@code index} is INT32 of this tensor's rank, no larger off {@code axis};
   * the result has its shape, with {@code out[i][j] = x[i][index[i][j]]} for axis 1 of a matrix
   * (and likewise for any rank and axis). An index outside the axis is an
   * {@link IndexOutOfBoundsException} naming the index and the bound (on a GPU, at the next
   * synchronisation, as {@link #indexSelect}'s). The gradient is {@link #scatterAdd}'s.
   */
  public Tensor gather(int axis, Tensor index) {
    return SelectionOps.gather(this, axis, index);
  }

  /**
   * The adjoint of {@link #gather}: a copy of this tensor with each element of {@code src} (of
   * the INT32 {@code index}'s shape) added at the place its index names along {@code axis}, as
   * PyTorch's {@code scatter_add}; repeated indices accumulate. Gradients: to this tensor
   * unchanged, to {@code src} the gather of the gradient.
   */
  public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
    return SelectionOps.scatterAdd(this, axis, index, src);
  }

  /** Concatenates tensors along {@code axis}; all other dimensions must agree. */
  public static Tensor concat(int axis, Tensor... tensors) {
    return Ops.call(OpNames.CONCAT, Attrs.of(AttrKeys.AXIS, axis), Arrays.asList(tensors));
  }

  /** Concatenates tensors along {@code axis}; all other dimensions must agree. */
  public static Tensor concat(int axis, List<Tensor> tensors) {
    return Ops.call(OpNames.CONCAT, Attrs.of(AttrKeys.AXIS, axis), tensors);
  }

  /** FLOAT32 one-hot rows from a 1-D INT32 tensor of class indices: shape [n, classes]. */
  public Tensor oneHot(int classes) {
    return oneHot(classes, DEFAULT_DTYPE);
  }

  /** One-hot rows of {@code dtype} (FLOAT32 or FLOAT64) from 1-D INT32 class indices. */
  public Tensor oneHot(int classes, DType dtype) {
    return Ops.call(OpNames.ONE_HOT,
        Attrs.of(AttrKeys.CLASSES, classes, AttrKeys.DTYPE, dtype.name()), this);
  }

  // ---- reductions --------------------------------------------------------------------------

  /** Sum of all elements, a scalar. */
  public Tensor sum() {
    return reduce(OpNames.SUM, false, allAxes());
  }

  /**
   * Sum along {@code axes} (negative axes count from the end). At least one axis unless the
   * tensor is a scalar: {@code sum(true)} with none fails (it used to return the tensor
   * unreduced); {@link #sum()} reduces every axis.
   */
  public Tensor sum(boolean keepDims, int... axes) {
    return reduce(OpNames.SUM, keepDims, ReductionOps.requireAxes("sum", shape, axes, "sum()"));
  }

  /** Sum along one axis (negative counts from the end). */
  public Tensor sum(int axis, boolean keepDims) {
    return sum(keepDims, axis);
  }

  /** Mean of all elements, a scalar. */
  public Tensor mean() {
    return reduce(OpNames.MEAN, false, allAxes());
  }

  /**
   * Mean along {@code axes} (negative axes count from the end); at least one axis unless the
   * tensor is a scalar ({@link #mean()} reduces every axis).
   */
  public Tensor mean(boolean keepDims, int... axes) {
    return reduce(OpNames.MEAN, keepDims,
        ReductionOps.requireAxes("mean", shape, axes, "mean()"));
  }

  /** Mean along one axis (negative counts from the end). */
  public Tensor mean(int axis, boolean keepDims) {
    return mean(keepDims, axis);
  }

  /** Maximum of all elements, a scalar. */
  public Tensor max() {
    return reduce(OpNames.MAX, false, allAxes());
  }

  /**
   * Maximum along {@code axes}; its gradient is shared evenly among tied maxima. At least one
   * axis unless the tensor is a scalar ({@link #max()} reduces every axis).
   */
  public Tensor max(boolean keepDims, int... axes) {
    return reduce(OpNames.MAX, keepDims, ReductionOps.requireAxes("max", shape, axes, "max()"));
  }

  /** Maximum along one axis (negative counts from the end). */
  public Tensor max(int axis, boolean keepDims) {
    return max(keepDims, axis);
  }

  /** Minimum of all elements, a scalar. */
  public Tensor min() {
    return min(false, allAxes());
  }

  /**
   * Minimum along {@code axes}: the negated maximum of the negation, exactly, so its gradient is
   * {@link #max}'s: shared evenly among tied minima. At least one axis unless the tensor is a
   * scalar ({@link #min()} reduces every axis).
   */
  public Tensor min(boolean keepDims, int... axes) {
    try {
      return neg().reduce(OpNames.MAX, keepDims,
          ReductionOps.requireAxes("min", shape, axes, "min()")).neg();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("min", e, OpNames.NEG, OpNames.MAX);
    }
  }

  /** Minimum along one axis (negative counts from the end). */
  public Tensor min(int axis, boolean keepDims) {
    return min(keepDims, axis);
  }

  /** Index of the minimum along {@code axis} (first one on ties), an INT32 tensor. */
  public Tensor argmin(int axis) {
    try {
      return neg().argmax(axis);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw calledAs("argmin", e, OpNames.NEG, OpNames.ARGMAX);
    }
  }

  /**
   * {@code log(sum(exp(x)))} along {@code axis}, computed with the maximum shifted out, so that
   * large logits do not overflow and a row of -Infinity gives -Infinity (not NaN). Its gradient
   * is the softmax along the axis times the incoming gradient.
   */
  public Tensor logSumExp(int axis, boolean keepDims) {
    return StatisticsOps.logSumExp(this, axis, keepDims);
  }

  /** {@code x - logSumExp(x)} along {@code axis}: log-probabilities, stable for logits of 1e4. */
  public Tensor logSoftmax(int axis) {
    return StatisticsOps.logSoftmax(this, axis);
  }

  /**
   * The unbiased variance of all elements, a scalar: PyTorch's {@code x.var()} (correction 1).
   * Fails on a single element, which leaves no degree of freedom (PyTorch gives NaN).
   */
  public Tensor var() {
    return var(false, 1, allAxes());
  }

  /** The unbiased standard deviation of all elements, a scalar: PyTorch's {@code x.std()}. */
  public Tensor std() {
    return std(false, 1, allAxes());
  }

  /** The unbiased variance along {@code axis} (correction 1, as PyTorch's default). */
  public Tensor var(int axis, boolean keepDims) {
    return var(keepDims, 1, axis);
  }

  /**
   * The variance over {@code axes}: {@code sum((x - mean)^2) / (n - correction)}, n the number
   * of elements reduced (correction 1 unbiased, 0 the population variance). Fails unless
   * {@code 0 <= correction < n}, and on an empty {@code axes} unless the tensor is a scalar.
   */
  public Tensor var(boolean keepDims, int correction, int... axes) {
    return StatisticsOps.var(this, keepDims, correction, axes);
  }

  /** The unbiased standard deviation along {@code axis}; see {@link #var(int, boolean)}. */
  public Tensor std(int axis, boolean keepDims) {
    return std(keepDims, 1, axis);
  }

  /**
   * The square root of {@link #var(boolean, int, int...)}; its gradient is finite wherever the
   * standard deviation is positive. Its errors are var's, labelled {@code std:}.
   */
  public Tensor std(boolean keepDims, int correction, int... axes) {
    return StatisticsOps.std(this, keepDims, correction, axes);
  }

  /** The Euclidean norm of every element, as {@code torch.linalg.vector_norm(x)}. */
  public Tensor norm() {
    return norm(2);
  }

  /** {@link #norm(double, boolean, int...)} over every axis. */
  public Tensor norm(double ord) {
    return norm(ord, false);
  }

  /**
   * As {@code torch.linalg.vector_norm(x, ord, axes, keepDims)}: ord 2 (the square root of the
   * sum of squares), 1 (the sum of magnitudes) or {@code Double.POSITIVE_INFINITY} (the largest
   * magnitude), over {@code axes}, every axis when none are given. The gradient is PyTorch's: 0
   * where the norm is 0, and for infinity shared evenly among tied largest magnitudes. No
   * rescaling: in FLOAT32 ord 2 overflows to infinity once a square does, as PyTorch's.
   */
  public Tensor norm(double ord, boolean keepDims, int... axes) {
    return Norms.vectorNorm(this, ord, keepDims, axes);
  }

  /**
   * The running sums along {@code axis}, as {@code torch.cumsum(x, axis)}; the gradient is the
   * reverse running sum of the output gradient. A scan of log2(n) passes (O(N log n) work, O(N)
   * memory a pass); FLOAT32 is summed in FLOAT64 and rounded once, as PyTorch's CPU kernel.
   */
  public Tensor cumsum(int axis) {
    return Scans.cumsum(this, axis);
  }

  /** The reductions' one call shape: {@code op} over {@code axes}. */
  private Tensor reduce(String op, boolean keepDims, int[] axes) {
    return Ops.call(op, Attrs.of(AttrKeys.AXES, axes, AttrKeys.KEEP_DIMS, keepDims), this);
  }

  /**
   * The entries along {@code axis} in order, and where each came from, as
   * {@code torch.sort(x, axis, descending, stable=True)}: equal values (0.0 and -0.0 too) keep
   * their order, and NaN counts as the largest. The order is found on the host (a download; on a
   * GPU a synchronisation); the values' gradient goes back to the positions they came from.
   */
  public ValuesAndIndices sort(int axis, boolean descending) {
    return Sorting.sort(this, axis, descending);
  }

  /**
   * The {@code k} largest entries along {@code axis}, largest first, and their indices, as
   * {@code torch.topk(x, k, axis)}: the first k of {@link #sort sort(axis, true)}, so of equal
   * values the lower index comes first (PyTorch leaves ties' order unspecified).
   */
  public ValuesAndIndices topk(int k, int axis) {
    return Sorting.topk(this, k, axis);
  }

  /** Index of the maximum along {@code axis} (first one on ties), an INT32 tensor. */
  public Tensor argmax(int axis) {
    return Ops.call(OpNames.ARGMAX, Attrs.of(AttrKeys.AXIS, axis), this);
  }

  private int[] allAxes() {
    int[] axes = new int[shape.rank()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    return axes;
  }

  // ---- activations -------------------------------------------------------------------------

  /**
   * The book's step function: 1 where x > 0, else 0. Forward only: its derivative is zero almost
   * everywhere (and undefined at 0), so no gradient can flow through it, which is why networks
   * learn with sigmoid or ReLU instead. The result never requires grad.
   */
  public Tensor step() {
    return Ops.call(OpNames.STEP, this);
  }

  /**
   * -1, 0 or 1 elementwise as x is below, at or above 0, as {@code torch.sign}; both zeros give
   * 0. NaN gives NaN (PyTorch 2.13's CPU gives 0). The gradient is 0 everywhere, as PyTorch's.
   */
  public Tensor sign() {
    return Ops.call(OpNames.SIGN, this);
  }

  /** The same values as a new graph node (the identity activation). */
  public Tensor identity() {
    return Ops.call(OpNames.IDENTITY, this);
  }

  /** The logistic function {@code 1 / (1 + e^-x)} elementwise. */
  public Tensor sigmoid() {
    return Ops.call(OpNames.SIGMOID, this);
  }

  /** The hyperbolic tangent elementwise. */
  public Tensor tanh() {
    return Ops.call(OpNames.TANH, this);
  }

  /**
   * The error function elementwise, as {@code torch.erf}: odd, +-1 beyond |x| of about 6. The CPU
   * computes {@link dev.jgrad.api.Erf#erf} (fdlibm's scheme, the same bits in every JIT tier;
   * FLOAT32 through double), CUDA its own {@code erff}/{@code erf}; the gradient is
   * {@code 2/sqrt(pi) e^(-x^2)}.
   */
  public Tensor erf() {
    return Ops.call(OpNames.ERF, this);
  }

  /**
   * The exact GELU {@code x/2 (1 + erf(x / sqrt 2))} elementwise, as {@code torch.nn.functional
   * .gelu(x)}: composed of {@link #erf()} and arithmetic, so its gradient comes from theirs.
   */
  public Tensor gelu() {
    return gelu(GeluApproximation.NONE);
  }

  /**
   * GELU elementwise, exact ({@link GeluApproximation#NONE}) or its tanh approximation
   * ({@link GeluApproximation#TANH}), as {@code F.gelu(x, approximate='none' | 'tanh')}. Composed
   * in PyTorch's order of operations, so the values are PyTorch's within a few ulps.
   */
  public Tensor gelu(GeluApproximation approximation) {
    checkNotNull(approximation, "gelu: the approximation is null; pass GeluApproximation.NONE"
        + " (exact) or TANH");
    return Gelu.of(this, approximation);
  }

  /** {@code max(x, 0)} elementwise; the gradient is 0 at 0. */
  public Tensor relu() {
    return Ops.call(OpNames.RELU, this);
  }

  /** x where x > 0, else alpha * x. */
  public Tensor leakyRelu(double alpha) {
    return Ops.call(OpNames.LEAKY_RELU, Attrs.of(AttrKeys.ALPHA, alpha), this);
  }

  /** Softmax along {@code axis}, overflow-safe (the max is subtracted first). */
  public Tensor softmax(int axis) {
    return Ops.call(OpNames.SOFTMAX, Attrs.of(AttrKeys.AXIS, axis), this);
  }

  // ---- misc --------------------------------------------------------------------------------

  /** The recorded graph that produced this tensor, as Graphviz DOT (before backward() frees it). */
  public String toDot() {
    return GraphExport.toDot(this);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(shape);
    if (name != null) {
      sb.append(", name=").append(name);
    }
    if (creator != null) {
      sb.append(", op=").append(creator.op().name());
    } else if (requiresGrad) {
      sb.append(", requiresGrad");
    }
    if (shape.size() <= 16) { // each value as its dtype holds it: 0.1f is 0.1, not 0.100000001
      double[] v = toDoubleArray();
      sb.append(", [");
      for (int i = 0; i < v.length; i++) {
        sb.append(i > 0 ? ", " : "");
        switch (dtype()) {
          case FLOAT32 -> sb.append((float) v[i]);
          case INT32, UINT8 -> sb.append((long) v[i]);
          default -> sb.append(v[i]);
        }
      }
      sb.append(']');
    }
    return sb.append(')').toString();
  }
}
