package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.autograd.Tensor;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The book's DeepConvNet (chapter 8, its {@code deep_convnet.py}) on flat image rows: the rows
 * {@code [batch, h * w]} as {@code [batch, 1, h, w]}, three blocks of conv-relu-conv-relu-2x2 max
 * pool with 16, 32 and 64 filters, all 3x3 and stride 1, padded by 1 except the fourth
 * convolution, padded by 2 as in the book's code (28x28 -> 14 -> 16 -> 8 -> 4: 64 maps of 4x4
 * before the affine layers), affine {@code hidden} (50) with ReLU, Dropout 0.5, affine
 * {@code classes}, Dropout 0.5. Parameters {@code conv1.*} to {@code conv6.*}, {@code fc1.*},
 * {@code fc2.*}.
 *
 * <p>A {@link Sequential} of jgrad's own layers, so a checkpoint of it carries its description and
 * {@code Model.load} rebuilds it without this class (see {@link SimpleConvNet}).
 *
 * <p>He-initialized as in the book: every weight normal with std {@code sqrt(2 / fanIn)}
 * ({@code fanIn = in * 3 * 3} for a convolution), biases zero. (Padding the fourth convolution
 * by 1 instead, 3x3 maps at the end, gave 97.80%, 98.10% and 98.20% test accuracy on the
 * embedded split for seeds 42, 1 and 2; the book's padding 98.25%, 98.25% and 98.05%:
 * docs/benchmarks.md.)
 */
public final class DeepConvNet {
  static final int[] FILTERS = {16, 16, 32, 32, 64, 64};
  static final int KERNEL = 3;
  /** Zero padding of each convolution: the book's code pads the fourth by 2. */
  static final int[] PADDING = {1, 1, 1, 2, 1, 1};
  static final double DROPOUT = 0.5;

  private DeepConvNet() {}

  /** The network for {@code rows x cols} images; {@code seed} fixes its weights and masks. */
  public static Sequential create(int rows, int cols, int hidden, int classes, long seed) {
    checkArgument(rows >= 8 && cols >= 8, "DeepConvNet needs images of at least 8x8 (three 2x2 "
        + "poolings), got %sx%s", rows, cols);
    Random random = new Random(seed);
    Map<String, Module> layers = new LinkedHashMap<>();
    layers.put("image", new Unflatten(1, rows, cols));
    int in = 1;
    for (int i = 0; i < FILTERS.length; i++) {
      Conv2d conv = new Conv2d(in, FILTERS[i], KERNEL, 1, PADDING[i], random);
      heInit(conv, in * KERNEL * KERNEL, random);
      layers.put("conv" + (i + 1), conv);
      layers.put("relu" + (i + 1), new ReLU());
      if (i % 2 == 1) {
        layers.put("pool" + (i / 2 + 1), new MaxPool2d(2, 2, 0));
      }
      in = FILTERS[i];
    }
    int h = (rows / 2 + 2) / 2 / 2; // the fourth convolution's padding of 2 adds 2
    int w = (cols / 2 + 2) / 2 / 2;
    layers.put("flatten", new Flatten());
    layers.put("fc1", new Linear(in * h * w, hidden, Init.he(), random));
    layers.put("relu", new ReLU());
    layers.put("drop1", new Dropout(DROPOUT, random));
    layers.put("fc2", new Linear(hidden, classes, Init.he(), random));
    layers.put("drop2", new Dropout(DROPOUT, random));
    return Sequential.named(layers);
  }

  /** Replaces Conv2d's PyTorch-default uniform start by He's normal one and a zero bias. */
  private static void heInit(Conv2d conv, int fanIn, Random random) {
    Tensor weight = conv.weight();
    double std = Init.he().std(fanIn, weight.shape().dim(0));
    double[] v = new double[(int) weight.shape().size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = std * random.nextGaussian();
    }
    weight.assign(Tensor.of(v, weight.dtype(), weight.shape().dims()));
    Tensor bias = conv.bias();
    bias.assign(Tensor.zeros(bias.dtype(), bias.shape().dim(0)));
  }
}
