package dev.jgrad.api.op;

/**
 * The attribute names of jgrad's built-in ops ({@link OpNames}), defined once for the callers
 * that set them and the kernels and gradient rules that read them.
 */
public final class AttrKeys {
  /** The scalar of {@link OpNames#ADD_SCALAR} and {@link OpNames#MUL_SCALAR}; a double. */
  public static final String VALUE = "value";
  /** The power of {@link OpNames#POW}; a double. */
  public static final String EXPONENT = "exponent";
  /** The target dimensions of {@link OpNames#RESHAPE} and {@link OpNames#BROADCAST_TO}. */
  public static final String SHAPE = "shape";
  /** The one axis an op works along (softmax, argmax, gather, slice, concat); an int. */
  public static final String AXIS = "axis";
  /**
   * The axes a reduction ({@link OpNames#SUM}, MEAN, MAX) reduces, or the order
   * {@link OpNames#PERMUTE} puts the axes in; an int array.
   */
  public static final String AXES = "axes";
  /** Whether a reduction keeps its reduced axes as size 1; a boolean, false if absent. */
  public static final String KEEP_DIMS = "keepDims";
  /** Where a {@link OpNames#SLICE} (or its adjoint) starts along the axis; an int. */
  public static final String START = "start";
  /** How many entries a {@link OpNames#SLICE} takes; an int. */
  public static final String LENGTH = "length";
  /** The step between the entries a {@link OpNames#SLICE} takes; an int, 1 if absent. */
  public static final String STEP = "step";
  /** The output's size along the axis of {@link OpNames#INDEX_ADD} and UNSLICE; an int. */
  public static final String SIZE = "size";
  /** The number of classes of {@link OpNames#ONE_HOT}; an int. */
  public static final String CLASSES = "classes";
  /**
   * The output dtype of {@link OpNames#ONE_HOT} (default FLOAT32) and {@link OpNames#CONVERT}; a
   * {@link dev.jgrad.api.DType} name.
   */
  public static final String DTYPE = "dtype";
  /** The negative slope of {@link OpNames#LEAKY_RELU}; a double. */
  public static final String ALPHA = "alpha";
  /** Whether {@link OpNames#MATMUL} transposes its left operand; a boolean, false if absent. */
  public static final String TRANS_A = "transA";
  /** Whether {@link OpNames#MATMUL} transposes its right operand; a boolean, false if absent. */
  public static final String TRANS_B = "transB";
  /** The activation of {@link OpNames#BIAS_ACTIVATION}: a {@link FusedActivation#attrValue()}. */
  public static final String ACTIVATION = "activation";
  /** The drop probability of {@link OpNames#DROPOUT_MASK}, in [0, 1); a double. */
  public static final String P = "p";
  /** The generator seed of {@link OpNames#DROPOUT_MASK}; a long. */
  public static final String SEED = "seed";

  /** Convolution and pooling: the window's {@code [height, width]}; an int array. */
  public static final String KERNEL = "kernel";
  /** Convolution and pooling: the step between windows, {@code [height, width]}; an int array. */
  public static final String STRIDE = "stride";
  /** Convolution and pooling: zeros added on each side, {@code [height, width]}; an int array. */
  public static final String PADDING = "padding";
  /** The input's {@code [height, width]} that a convolution or pooling gradient restores. */
  public static final String INPUT_SIZE = "inputSize";

  /** The lower bound of {@link OpNames#CLAMP}; a double, -Infinity for none. */
  public static final String LOWER = "lower";
  /** The upper bound of {@link OpNames#CLAMP}; a double, +Infinity for none. */
  public static final String UPPER = "upper";

  /**
   * How {@link OpNames#NLL_LOSS} reduces the per-sample losses: {@code "mean"} or {@code "sum"}
   * (PyTorch's {@code reduction}); a string.
   */
  public static final String REDUCTION = "reduction";

  private AttrKeys() {}
}
