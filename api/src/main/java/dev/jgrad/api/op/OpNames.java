package dev.jgrad.api.op;

/**
 * The names of jgrad's built-in ops, defined once here so that {@code Tensor}, the op
 * definitions and every backend's kernels name an op alike: a kernel registered under a
 * misspelt name would never run, and the portable kernel would silently run instead.
 *
 * <p>Plugin ops keep their names (under their own prefix) in their own module.
 */
public final class OpNames {
  // ---- arithmetic ------------------------------------------------------------------------

  /** {@code a + b}, broadcasting. */
  public static final String ADD = "jgrad::add";
  /** {@code a - b}, broadcasting. */
  public static final String SUB = "jgrad::sub";
  /** {@code a * b}, broadcasting. */
  public static final String MUL = "jgrad::mul";
  /** {@code a / b}, broadcasting. */
  public static final String DIV = "jgrad::div";
  /** {@code x + value}, the scalar in {@link AttrKeys#VALUE}. */
  public static final String ADD_SCALAR = "jgrad::add_scalar";
  /** {@code x * value}, the scalar in {@link AttrKeys#VALUE}. */
  public static final String MUL_SCALAR = "jgrad::mul_scalar";
  /** {@code x ^ exponent}, the power in {@link AttrKeys#EXPONENT}. */
  public static final String POW = "jgrad::pow";
  /** {@code -x}. */
  public static final String NEG = "jgrad::neg";
  /** {@code e ^ x}. */
  public static final String EXP = "jgrad::exp";
  /** The natural logarithm. */
  public static final String LOG = "jgrad::log";
  /** The square root. */
  public static final String SQRT = "jgrad::sqrt";
  /** The sine (radians). */
  public static final String SIN = "jgrad::sin";
  /** The cosine (radians). */
  public static final String COS = "jgrad::cos";
  /** {@code ln(1 + x)}, accurate near 0. */
  public static final String LOG1P = "jgrad::log1p";
  /** {@code e ^ x - 1}, accurate near 0. */
  public static final String EXPM1 = "jgrad::expm1";
  /** The error function {@code erf x = 2/sqrt(pi) * integral of e^(-t^2) from 0 to x}. */
  public static final String ERF = "jgrad::erf";
  /**
   * The larger of {@code a} and {@code b} elementwise (broadcast); NaN where either is NaN. The
   * gradient goes to the larger, half to each on a tie (PyTorch's rule).
   */
  public static final String MAXIMUM = "jgrad::maximum";
  /** The smaller of {@code a} and {@code b} elementwise; as {@link #MAXIMUM} otherwise. */
  public static final String MINIMUM = "jgrad::minimum";
  /**
   * -1, 0 or 1 as x is below, at or above 0; NaN for NaN. Its gradient is 0 everywhere (as
   * PyTorch's), so it records a node but passes nothing back.
   */
  public static final String SIGN = "jgrad::sign";
  /** 1 where {@code a > b}, else 0; not differentiable. */
  public static final String GREATER = "jgrad::greater";
  /** 1 where {@code a == b}, else 0; not differentiable. */
  public static final String EQUAL = "jgrad::equal";

  // ---- products and reductions -----------------------------------------------------------

  /** The product of rank-2 tensors, optionally transposed ({@link AttrKeys#TRANS_A}, _B). */
  public static final String MATMUL = "jgrad::matmul";
  /** The sum over {@link AttrKeys#AXES}, keeping them as 1 if {@link AttrKeys#KEEP_DIMS}. */
  public static final String SUM = "jgrad::sum";
  /** The mean over {@link AttrKeys#AXES}, keeping them as 1 if {@link AttrKeys#KEEP_DIMS}. */
  public static final String MEAN = "jgrad::mean";
  /** The maximum over {@link AttrKeys#AXES}, keeping them as 1 if {@link AttrKeys#KEEP_DIMS}. */
  public static final String MAX = "jgrad::max";
  /** The index of the maximum along {@link AttrKeys#AXIS}; not differentiable. */
  public static final String ARGMAX = "jgrad::argmax";

  // ---- shape and indexing ----------------------------------------------------------------

  /** Swaps the last two axes. */
  public static final String TRANSPOSE = "jgrad::transpose";
  /** The same elements in the {@link AttrKeys#SHAPE} given (one dimension may be -1). */
  public static final String RESHAPE = "jgrad::reshape";
  /** Broadcasts to {@link AttrKeys#SHAPE}. */
  public static final String BROADCAST_TO = "jgrad::broadcast_to";
  /** The axes reordered as {@link AttrKeys#AXES} lists them (a view, no copy). */
  public static final String PERMUTE = "jgrad::permute";
  /** Drops the axis {@link AttrKeys#AXIS}, of size 1 (a view, no copy). */
  public static final String SQUEEZE = "jgrad::squeeze";
  /** Inserts an axis of size 1 at {@link AttrKeys#AXIS} of the result (a view, no copy). */
  public static final String UNSQUEEZE = "jgrad::unsqueeze";
  /** A dense row-major copy of a view (Backend.copyStrided); the gradient passes unchanged. */
  public static final String CONTIGUOUS = "jgrad::contiguous";
  /** Gathers the entries of {@link AttrKeys#AXIS} that an index tensor lists. */
  public static final String INDEX_SELECT = "jgrad::index_select";
  /** The adjoint of {@link #INDEX_SELECT}: scatter-adds into {@link AttrKeys#SIZE} entries. */
  public static final String INDEX_ADD = "jgrad::index_add";
  /** {@link AttrKeys#LENGTH} entries of {@link AttrKeys#AXIS} from {@link AttrKeys#START}. */
  public static final String SLICE = "jgrad::slice";
  /** The adjoint of {@link #SLICE}: zeros of {@link AttrKeys#SIZE} around the slice. */
  public static final String UNSLICE = "jgrad::unslice";
  /** Joins tensors along {@link AttrKeys#AXIS}. */
  public static final String CONCAT = "jgrad::concat";
  /**
   * Rows of {@link AttrKeys#CLASSES} zeros with a 1 at each INT32 label, in the float
   * {@link AttrKeys#DTYPE} (default FLOAT32); not differentiable.
   */
  public static final String ONE_HOT = "jgrad::one_hot";
  /**
   * A copy in {@link AttrKeys#DTYPE} (Backend.convert: casts as Java's); differentiable between
   * FLOAT32 and FLOAT64 (the gradient converted back), an integer result carries no gradient.
   */
  public static final String CONVERT = "jgrad::convert";

  // ---- activations -----------------------------------------------------------------------

  /** 1 where {@code x > 0}, else 0 (the book's step function); not differentiable. */
  public static final String STEP = "jgrad::step";
  /** {@code x} itself, as a graph node. */
  public static final String IDENTITY = "jgrad::identity";
  /** {@code 1 / (1 + e ^ -x)}. */
  public static final String SIGMOID = "jgrad::sigmoid";
  /** The hyperbolic tangent. */
  public static final String TANH = "jgrad::tanh";
  /** {@code max(x, 0)}. */
  public static final String RELU = "jgrad::relu";
  /** relu's gradient {@code g * step(x)}, from relu's input or output; inputs g, x. */
  public static final String RELU_GRAD = "jgrad::relu_grad";
  /** {@code max(x, alpha x)}, the slope in {@link AttrKeys#ALPHA}. */
  public static final String LEAKY_RELU = "jgrad::leaky_relu";
  /** Softmax along {@link AttrKeys#AXIS}. */
  public static final String SOFTMAX = "jgrad::softmax";
  /** {@code act(x + bias)} in one op, the activation in {@link AttrKeys#ACTIVATION}. */
  public static final String BIAS_ACTIVATION = "jgrad::bias_activation";
  /**
   * Dropout's inverted mask, shaped like its first input: {@code 1 / (1 - p)} where an element is
   * kept, 0 where dropped, from {@link AttrKeys#P}, {@link AttrKeys#SEED} and the second input,
   * a one-element FLOAT64 counter (which call of its layer this is), by {@link DropoutMask}. The
   * kernel reads the counter when it runs, so a captured graph draws a new mask each launch from
   * the counter filled in before it. Not differentiable (multiply it into x).
   */
  public static final String DROPOUT_MASK = "jgrad::dropout_mask";

  // ---- losses ----------------------------------------------------------------------------

  /** Mean squared error of (prediction, target). */
  public static final String MSE = "jgrad::mse";
  /** The book's sum of squares error, {@code 0.5 * sum((y - t)^2)}. */
  public static final String SSE = "jgrad::sse";
  /** Cross-entropy of probabilities against one-hot targets. */
  public static final String CROSS_ENTROPY = "jgrad::cross_entropy";
  /** Softmax then cross-entropy, on logits against one-hot targets. */
  public static final String SOFTMAX_CROSS_ENTROPY = "jgrad::softmax_cross_entropy";
  /** Softmax cross-entropy of logits {@code [batch, classes]} and labels {@code [batch]}. */
  public static final String SOFTMAX_CROSS_ENTROPY_LABELS = "jgrad::softmax_cross_entropy_labels";
  /** The gradient of {@link #SOFTMAX_CROSS_ENTROPY_LABELS}; inputs logits, labels, g. */
  public static final String SOFTMAX_CROSS_ENTROPY_LABELS_GRAD =
      "jgrad::softmax_cross_entropy_labels_grad";
  /**
   * Negative log-likelihood of log-probabilities {@code [batch, classes]} (a log-softmax's
   * output) and INT32 labels {@code [batch]}, PyTorch's {@code nll_loss}; attribute
   * {@link AttrKeys#REDUCTION}.
   */
  public static final String NLL_LOSS = "jgrad::nll_loss";
  /** Binary cross-entropy of probabilities. */
  public static final String BCE = "jgrad::bce";
  /** Binary cross-entropy of logits, stable for any magnitude. */
  public static final String BCE_WITH_LOGITS = "jgrad::bce_with_logits";

  // ---- convolution and pooling (NCHW; geometry in Conv2dGeometry) -------------------------

  /** Convolution of {@code x [N, C, H, W]} with {@code w [F, C, KH, KW]}, optional bias [F]. */
  public static final String CONV2D = "jgrad::conv2d";
  /** conv2d's input gradient (col2im of {@code w^T g}); inputs g, w; {@link AttrKeys#INPUT_SIZE}. */
  public static final String CONV2D_INPUT_GRAD = "jgrad::conv2d_input_grad";
  /** conv2d's weight gradient (sum of {@code g im2col(x)^T}); inputs x, g; {@link AttrKeys#KERNEL}. */
  public static final String CONV2D_WEIGHT_GRAD = "jgrad::conv2d_weight_grad";
  /** The maximum of each {@link AttrKeys#KERNEL} window of {@code x [N, C, H, W]}. */
  public static final String MAX_POOL2D = "jgrad::max_pool2d";
  /** max_pool2d's gradient: g to each window's first maximum; inputs x, g. */
  public static final String MAX_POOL2D_GRAD = "jgrad::max_pool2d_grad";
  /** The mean of each {@link AttrKeys#KERNEL} window (padding counts as zeros). */
  public static final String AVG_POOL2D = "jgrad::avg_pool2d";
  /** avg_pool2d's gradient; input g; {@link AttrKeys#INPUT_SIZE}. */
  public static final String AVG_POOL2D_GRAD = "jgrad::avg_pool2d_grad";

  // ---- selection, clamping and statistics ------------------------------------------------

  /** {@code |x|}; its gradient is {@code sign(x)}, 0 at 0. */
  public static final String ABS = "jgrad::abs";
  /**
   * {@code x} limited to [{@link AttrKeys#LOWER}, {@link AttrKeys#UPPER}] (either may be
   * infinite); NaN stays NaN.
   */
  public static final String CLAMP = "jgrad::clamp";
  /** {@code log(sum(exp(x)))} along {@link AttrKeys#AXIS}, max-shifted; {@link AttrKeys#KEEP_DIMS}. */
  public static final String LOG_SUM_EXP = "jgrad::log_sum_exp";
  /**
   * PyTorch's gather along {@link AttrKeys#AXIS}: inputs x and an INT32 index of x's rank,
   * {@code out[..i..] = x[..index[..i..]..]}; the output has the index's shape.
   */
  public static final String GATHER = "jgrad::gather";
  /**
   * The adjoint of {@link #GATHER}: inputs x, an INT32 index and src of the index's shape;
   * {@code out = x} with each {@code src} element added at its index along {@link AttrKeys#AXIS}.
   */
  public static final String SCATTER_ADD = "jgrad::scatter_add";

  private OpNames() {}
}
