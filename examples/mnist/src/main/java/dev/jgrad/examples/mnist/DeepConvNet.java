package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.AsSequential;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Unflatten;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The book's DeepConvNet (chapter 8) on flat image rows: the rows {@code [batch, h * w]} as
 * {@code [batch, 1, h, w]}, three blocks of conv-relu-conv-relu-2x2 max pool with 16, 32 and 64
 * filters (all 3x3, stride 1, padding 1: 28x28 -> 14 -> 7 -> 3), affine {@code hidden} (50) with
 * ReLU, Dropout 0.5, affine {@code classes}, Dropout 0.5. Parameters {@code conv1.*} to
 * {@code conv6.*}, {@code fc1.*}, {@code fc2.*}.
 *
 * <p>He-initialized as in the book: every weight normal with std {@code sqrt(2 / fanIn)}
 * ({@code fanIn = in * 3 * 3} for a convolution), biases zero. (The book's own code pads its
 * fourth convolution by 2, giving 4x4 maps before the affine layers; here all pad by 1.)
 */
public final class DeepConvNet extends Module implements AsSequential {
  static final int[] FILTERS = {16, 16, 32, 32, 64, 64};
  static final int KERNEL = 3;
  static final double DROPOUT = 0.5;

  private final int rows;
  private final int cols;
  private final Conv2d[] convs = new Conv2d[FILTERS.length];
  private final MaxPool2d pool = new MaxPool2d(2, 2, 0);
  private final Flatten flatten = new Flatten();
  private final Linear fc1;
  private final Dropout drop1;
  private final Linear fc2;
  private final Dropout drop2;

  public DeepConvNet(int rows, int cols, int hidden, int classes, long seed) {
    checkArgument(rows >= 8 && cols >= 8, "DeepConvNet needs images of at least 8x8 (three 2x2 "
        + "poolings), got %sx%s", rows, cols);
    this.rows = rows;
    this.cols = cols;
    Random random = new Random(seed);
    int in = 1;
    for (int i = 0; i < FILTERS.length; i++) {
      Conv2d conv = new Conv2d(in, FILTERS[i], KERNEL, 1, 1, random);
      heInit(conv, in * KERNEL * KERNEL, random);
      convs[i] = registerModule("conv" + (i + 1), conv);
      in = FILTERS[i];
    }
    int h = rows / 2 / 2 / 2;
    int w = cols / 2 / 2 / 2;
    fc1 = registerModule("fc1", new Linear(in * h * w, hidden, Init.he(), random));
    drop1 = registerModule("drop1", new Dropout(DROPOUT, random));
    fc2 = registerModule("fc2", new Linear(hidden, classes, Init.he(), random));
    drop2 = registerModule("drop2", new Dropout(DROPOUT, random));
  }

  /** Replaces Conv2d's PyTorch-default uniform start by He's normal one and a zero bias. */
  private static void heInit(Conv2d conv, int fanIn, Random random) {
    Tensor weight = conv.namedParameters().get("weight");
    double std = Init.he().std(fanIn, weight.shape().dim(0));
    double[] v = new double[(int) weight.shape().size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = std * random.nextGaussian();
    }
    weight.assign(Tensor.of(v, weight.dtype(), weight.shape().dims()));
    Tensor bias = conv.namedParameters().get("bias");
    bias.assign(Tensor.zeros(bias.dtype(), bias.shape().dim(0)));
  }

  @Override
  public Tensor forward(Tensor x) {
    checkArgument(x.rank() == 2 && x.shape().dim(1) == rows * cols,
        "DeepConvNet needs rows of %s pixels ([batch, %s]), got %s", rows * cols, rows * cols,
        x.shape());
    Tensor h = x.reshape(x.shape().dim(0), 1, rows, cols);
    for (int i = 0; i < convs.length; i += 2) {
      // the second ReLU after the pool: the same values (see SimpleConvNet), a quarter of the work
      h = pool.forward(convs[i + 1].forward(convs[i].forward(h).relu())).relu();
    }
    h = drop1.forward(fc1.forward(flatten.forward(h), FusedActivation.RELU));
    return drop2.forward(fc2.forward(h));
  }

  /** The same layers in the order of the definition (ReLU before each pool), e.g. for ONNX. */
  @Override
  public Sequential asSequential() {
    List<Module> layers = new ArrayList<>(List.of(new Unflatten(1, rows, cols)));
    for (int i = 0; i < convs.length; i += 2) {
      layers.addAll(List.of(convs[i], new ReLU(), convs[i + 1], new ReLU(), pool));
    }
    layers.addAll(List.of(flatten, fc1, new ReLU(), drop1, fc2, drop2));
    return new Sequential(layers);
  }

  @Override
  public String toString() {
    return "DeepConvNet(3x [conv3x3, relu, conv3x3, relu, maxpool2] with " + FILTERS[0] + ", "
        + FILTERS[2] + ", " + FILTERS[4] + " filters, " + fc1 + ", relu, " + drop1 + ", " + fc2
        + ", " + drop2 + ")";
  }
}
