package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.DropoutMask;
import dev.jgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds a multi-layer perceptron as a {@link Sequential}: {@code Linear, activation, Linear,
 * activation, ..., Linear}. The output layer has no activation: it gives scores (logits) for a
 * softmax cross-entropy loss.
 *
 * <pre>{@code
 * Sequential net = Mlp.builder().input(784).hidden(100).output(10)
 *     .activation(Activation.RELU).seed(42).build();
 * net.namedParameters().keySet();   // [0.weight, 0.bias, 2.weight, 2.bias]
 * }</pre>
 *
 * <p>{@code batchNorm(true)} and {@code dropout(p)} give the book's {@code MultiLayerNetExtend}:
 * affine, BatchNorm, activation, Dropout for each hidden layer.
 *
 * <p>Weights come from the activation's recommended initializer unless {@link Builder#init} says
 * otherwise, drawn from one {@code Random(seed)} layer by layer, so a seed fixes the network.
 */
public final class Mlp {
  private Mlp() {}

  /** Starts a network description: ReLU, the activation's recommended init, seed 42, FLOAT32. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the sizes and options of an MLP; {@link #build()} makes it. */
  public static final class Builder {
    private int input;
    private final List<Integer> hidden = new ArrayList<>();
    private int output;
    private HiddenActivation activation = Activation.RELU;
    private Init init;
    private long seed = 42;
    private DType dtype = Tensor.DEFAULT_DTYPE;
    private boolean batchNorm;
    private double dropout;

    private Builder() {}

    /** Number of input features, e.g. 784 for flattened 28x28 images. */
    public Builder input(int features) {
      checkArgument(features > 0, "input size must be positive, got %s", features);
      this.input = features;
      return this;
    }

    /** Adds hidden layers of these sizes, in order; call again to add more. */
    public Builder hidden(int... sizes) {
      checkNotNull(sizes, "hidden sizes is null; pass the sizes, e.g. hidden(100)");
      for (int s : sizes) {
        checkArgument(s > 0, "hidden layer sizes must be positive, got %s", s);
        hidden.add(s);
      }
      return this;
    }

    /** Number of outputs, e.g. 10 classes. */
    public Builder output(int classes) {
      checkArgument(classes > 0, "output size must be positive, got %s", classes);
      this.output = classes;
      return this;
    }

    /** The activation between layers: an {@link Activation} or an {@link OpActivation}. */
    public Builder activation(HiddenActivation activation) {
      this.activation = checkNotNull(activation, "activation is null");
      return this;
    }

    /** Overrides the activation's recommended weight initializer. */
    public Builder init(Init init) {
      this.init = checkNotNull(init, "init is null");
      return this;
    }

    /** Seed of the weight initialization (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The dtype of every parameter (default FLOAT32). */
    public Builder dtype(DType dtype) {
      this.dtype = checkNotNull(dtype, "dtype is null");
      return this;
    }

    /**
     * With {@code true}, a {@link BatchNorm1d} after each hidden affine layer, before its
     * activation, as the book's {@code MultiLayerNetExtend(use_batchnorm=True)} (6.3).
     */
    public Builder batchNorm(boolean batchNorm) {
      this.batchNorm = batchNorm;
      return this;
    }

    /**
     * A {@link Dropout} of probability {@code p} in [0, 1) after each hidden activation, as the
     * book's {@code MultiLayerNetExtend(use_dropout=True, dropout_ration=p)} (6.4.3); its seed
     * drawn from the network's; 0 (the default) adds none.
     */
    public Builder dropout(double p) {
      DropoutMask.checkP("Mlp.Builder.dropout", p);
      this.dropout = p;
      return this;
    }

    /** The network; without {@code input} or {@code output} an IllegalStateException. */
    public Sequential build() {
      checkState(input > 0, "call input(features) before build()");
      checkState(output > 0, "call output(classes) before build()");
      Init weights = init != null ? init : activation.recommendedInit();
      Random random = new Random(seed);
      List<Module> layers = new ArrayList<>();
      int in = input;
      for (int size : hidden) {
        layers.add(new Linear(in, size, weights, random, dtype));
        if (batchNorm) {
          layers.add(new BatchNorm1d(size, dtype));
        }
        layers.add(activation.newModule());
        if (dropout > 0) {
          layers.add(new Dropout(dropout, random));
        }
        in = size;
      }
      layers.add(new Linear(in, output, weights, random, dtype));
      return new Sequential(layers);
    }
  }
}
