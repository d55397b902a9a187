package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkArgument;

import dev.jgrad.nn.Conv2d;
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
 * The book's SimpleConvNet (chapter 7) on flat image rows: the rows {@code [batch, h * w]} as
 * {@code [batch, 1, h, w]}, conv 30 filters 5x5 (stride 1, no padding), ReLU, 2x2 max pool,
 * affine {@code hidden} with ReLU, affine {@code classes}. Parameters {@code conv.weight},
 * {@code conv.bias}, {@code fc1.*}, {@code fc2.*}.
 *
 * <p>A {@link Sequential} of jgrad's own layers, so a checkpoint of it carries its description and
 * {@code Model.load} rebuilds it without this class. The Sequential runs the ReLU after the pool
 * (they commute; a quarter of the work) and the affine layer's bias and ReLU as one op.
 *
 * <p>Initialized like PyTorch's defaults, which trained best in the reference runs (97.35-97.45%
 * against 97.0% for He and 96.65% for the book's 0.01): the convolution uniform in
 * {@code +-1/sqrt(fanIn)} ({@link Conv2d}), the affine weights normal with that distribution's
 * standard deviation {@code 1/sqrt(3 fanIn)}, since {@link Init} draws normal samples.
 */
public final class SimpleConvNet {
  static final int FILTERS = 30;
  static final int KERNEL = 5;

  private SimpleConvNet() {}

  /** The network for {@code rows x cols} images; {@code seed} fixes its weights. */
  public static Sequential create(int rows, int cols, int hidden, int classes, long seed) {
    checkArgument(rows >= KERNEL && cols >= KERNEL, "SimpleConvNet needs images of at least "
        + "%sx%s, got %sx%s", KERNEL, KERNEL, rows, cols);
    Random random = new Random(seed);
    Init pytorchStd = (fanIn, fanOut) -> 1 / Math.sqrt(3.0 * fanIn);
    int pooled = FILTERS * ((rows - KERNEL + 1) / 2) * ((cols - KERNEL + 1) / 2);
    Map<String, Module> layers = new LinkedHashMap<>();
    layers.put("image", new Unflatten(1, rows, cols));
    layers.put("conv", new Conv2d(1, FILTERS, KERNEL, 1, 0, random));
    layers.put("relu", new ReLU());
    layers.put("pool", new MaxPool2d(2, 2, 0));
    layers.put("flatten", new Flatten());
    layers.put("fc1", new Linear(pooled, hidden, pytorchStd, random));
    layers.put("relu1", new ReLU());
    layers.put("fc2", new Linear(hidden, classes, pytorchStd, random));
    return Sequential.named(layers);
  }
}
