package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.BiasActivationOps;
import java.util.Random;
import java.util.Set;

/**
 * The book's Affine layer: {@code y = x W + b} with {@code W} of shape {@code [in, out]} (so a
 * batch is rows, as in NumPy) and {@code b} of shape {@code [out]}, starting at zero.
 *
 * <pre>{@code
 * Linear fc = new Linear(784, 100, Init.he(), new Random(42));
 * Tensor y = fc.forward(x);            // x [batch, 784] -> y [batch, 100]
 * fc.namedParameters().keySet();       // [weight, bias]
 * Tensor h = fc.forward(x, FusedActivation.RELU);   // relu(x W + b), bias and relu in one op
 * }</pre>
 *
 * <p>The input is {@code [batch, in]}: one sample is one row, {@code x.reshape(1, in)}. PyTorch's
 * {@code nn.Linear} also takes a 1-D {@code [in]}; here that is an error saying to reshape it,
 * as every layer after it here expects a batch axis.
 *
 * <p>PyTorch's {@code nn.Linear} stores the weight transposed ({@code [out, in]}), as
 * {@link #transposedInTorch()} says: {@code dev.jgrad.train.TorchStateDict} transposes it when
 * moving weights between the two.
 */
public final class Linear extends Module implements TorchLayout {
  private final int inFeatures;
  private final int outFeatures;
  private final Tensor weight;
  private final Tensor bias;

  /**
   * A FLOAT32 layer initialised as PyTorch's {@code nn.Linear(in, out)} is
   * ({@link Init#kaimingUniform()}: weight and bias uniform in {@code +-1/sqrt(in)}), from
   * {@code random}.
   */
  public Linear(int inFeatures, int outFeatures, Random random) {
    this(inFeatures, outFeatures, Init.kaimingUniform(), random);
  }

  /** A FLOAT32 layer. */
  public Linear(int inFeatures, int outFeatures, Init init, Random random) {
    this(inFeatures, outFeatures, init, random, Tensor.DEFAULT_DTYPE);
  }

  /**
   * A layer {@code inFeatures -> outFeatures} (both positive) whose weight {@code init} draws from
   * {@code random} in {@code dtype}.
   */
  public Linear(int inFeatures, int outFeatures, Init init, Random random, DType dtype) {
    checkArgument(inFeatures > 0 && outFeatures > 0,
        "Linear needs positive sizes, got in=%s out=%s", inFeatures, outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = registerParameter("weight", init.weights(inFeatures, outFeatures, dtype, random));
    // zeros for the book's inits, uniform for Kaiming-uniform (PyTorch's nn.Linear default)
    this.bias = registerParameter("bias", init.bias(inFeatures, outFeatures, dtype, random));
  }

  @Override
  public Tensor forward(Tensor x) {
    // the bias alone as the identity bias-activation op: the same sum as add(bias), without the
    // general broadcasting add (which walked [batch, 10] outputs in 10-element runs)
    return forward(x, FusedActivation.IDENTITY);
  }

  /**
   * {@code activation(x W + b)}: the bias and the activation as one op
   * ({@value OpNames#BIAS_ACTIVATION}), one pass over the output where the backend has
   * a fused kernel; equal to {@code forward(x)} followed by the activation.
   */
  public Tensor forward(Tensor x, FusedActivation activation) {
    checkInput(x);
    return BiasActivationOps.biasActivation(x.matmul(weight), bias, activation);
  }

  private void checkInput(Tensor x) {
    if (x.rank() == 2 && x.shape().dim(1) == inFeatures) {
      return;
    }
    throw new IllegalArgumentException(String.format("Linear(%s -> %s) needs input [batch, %s], "
        + "got %s; %s", inFeatures, outFeatures, inFeatures, x.shape(), inputAdvice(x)));
  }

  /** What to change about an input of the wrong shape, by the mistake that most often makes it. */
  private String inputAdvice(Tensor x) {
    if (x.rank() <= 1) {
      // one sample as a row: 1-D input is refused rather than guessed at (a batch of one?)
      int length = (int) x.size();
      return "a single sample? give it as one row: x.reshape(1, " + length + ")"
          + (length == inFeatures ? "" : ", with " + inFeatures + " values");
    }
    if (x.rank() > 2) {
      return "flatten images first (a Flatten layer before it)";
    }
    // the first layer has no layer before it: a wide table most often still holds its label
    int width = x.shape().dim(1);
    return "the input (or the layer before) has " + width + " features: either the data has "
        + (width > inFeatures ? "an extra column (a label left in the features?)"
            : "a column missing")
        + " or this layer should be Linear(" + width + ", " + outFeatures + ")";
  }

  /** The weight, {@code [in, out]} (PyTorch's transpose). */
  public Tensor weight() {
    return weight;
  }

  /** The bias, {@code [out]}. */
  public Tensor bias() {
    return bias;
  }

  /** Input features: the width of the rows it takes. */
  public int inFeatures() {
    return inFeatures;
  }

  /** Output features: the width of the rows it gives. */
  public int outFeatures() {
    return outFeatures;
  }

  @Override
  public String toString() {
    return "Linear(" + inFeatures + " -> " + outFeatures + ")";
  }

  /** {@code "weight"}: PyTorch's {@code nn.Linear} holds it {@code [out, in]}. */
  @Override
  public Set<String> transposedInTorch() {
    return Set.of("weight");
  }
}
