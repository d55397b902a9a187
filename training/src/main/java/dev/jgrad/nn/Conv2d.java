package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostArrays;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.ConvOps;
import java.util.Arrays;
import java.util.Random;

/**
 * A 2-D convolution over NCHW images: {@code y = conv2d(x, weight) + bias} with
 * {@code weight [out, in, kh, kw]} and {@code bias [out]}, the names and layouts of PyTorch's
 * {@code nn.Conv2d}, so a checkpoint's tensors load there unchanged (and back).
 *
 * <p>Initialized as PyTorch's default: weight and bias uniform in {@code [-b, b]} with
 * {@code b = 1 / sqrt(in * kh * kw)} (its Kaiming-uniform with {@code a = sqrt(5)}), computed
 * here because {@link Init} draws normal samples only.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 30, 5, 1, 0, new Random(42));
 * Tensor y = conv.forward(x);   // x [100, 1, 28, 28] -> y [100, 30, 24, 24]
 * }</pre>
 */
public final class Conv2d extends Module {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final Tensor weight;
  private final Tensor bias;

  /** A FLOAT32 layer with a square kernel and the same stride and padding both ways. */
  public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding,
      Random random) {
    this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
        new int[] {padding, padding}, random, Tensor.DEFAULT_DTYPE);
  }

  /**
   * A FLOAT32 layer whose weights start as {@code init} draws them, as the book's networks do
   * (SimpleConvNet's {@code Init.normal(0.01)}, DeepConvNet's {@code Init.he()}): fan-in
   * {@code inChannels * kernel * kernel}, fan-out {@code outChannels}; the bias is {@code init}'s
   * (zeros for the normal ones).
   */
  public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Init init,
      Random random) {
    this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
        new int[] {padding, padding}, init, random, Tensor.DEFAULT_DTYPE);
  }

  /** kernel, stride and padding as {@code [height, width]}; PyTorch's default start. */
  public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      Random random, DType dtype) {
    this(null, inChannels, outChannels, kernel, stride, padding, true, random, dtype);
  }

  /**
   * A FLOAT32 layer with a bias or without one (PyTorch's {@code bias=False}: a convolution
   * followed by a BatchNorm, whose shift makes a bias redundant, as in ResNet). Without a bias the
   * layer has no {@code bias} parameter, so a PyTorch state_dict without {@code .bias} loads into
   * it; its weights are the same draws as with one.
   */
  public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding,
      boolean bias, Random random) {
    this(inChannels, outChannels, new int[] {kernel, kernel}, new int[] {stride, stride},
        new int[] {padding, padding}, bias, random, Tensor.DEFAULT_DTYPE);
  }

  /** kernel, stride and padding as {@code [height, width]}, with a bias or without one. */
  public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      boolean bias, Random random, DType dtype) {
    this(null, inChannels, outChannels, kernel, stride, padding, bias, random, dtype);
  }

  /** kernel, stride and padding as {@code [height, width]}; weights from {@code init}. */
  public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      Init init, Random random, DType dtype) {
    this(checkNotNull(init, "init is null; pass one, e.g. Init.he()"), inChannels, outChannels,
        kernel, stride, padding, true, random, dtype);
  }

  /** {@code init} null: PyTorch's uniform default. */
  private Conv2d(Init init, int inChannels, int outChannels, int[] kernel, int[] stride,
      int[] padding, boolean hasBias, Random random, DType dtype) {
    checkArgument(inChannels > 0 && outChannels > 0,
        "Conv2d needs positive channel counts, got in=%s out=%s", inChannels, outChannels);
    this.kernel = Pool2d.pair("Conv2d", "kernel", kernel, 1);
    this.stride = Pool2d.pair("Conv2d", "stride", stride, 1);
    this.padding = Pool2d.pair("Conv2d", "padding", padding, 0);
    checkNotNull(random, "random is null; pass a seeded java.util.Random");
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    long fanInLong = (long) inChannels * this.kernel[0] * this.kernel[1];
    long weights = fanInLong * outChannels;
    checkArgument(weights <= Integer.MAX_VALUE, "Conv2d(in=%s, out=%s, kernel %sx%s) has %s "
        + "weights, more than one tensor holds (%s); use fewer channels or a smaller kernel",
        inChannels, outChannels, this.kernel[0], this.kernel[1], weights, Integer.MAX_VALUE);
    int fanIn = (int) fanInLong;
    if (init == null) {
      double bound = 1 / Math.sqrt(fanIn);
      this.weight = registerParameter("weight", uniform(random, bound, dtype, outChannels,
          inChannels, this.kernel[0], this.kernel[1]));
      this.bias = hasBias ? registerParameter("bias", uniform(random, bound, dtype, outChannels))
          : null;
    } else {
      this.weight = registerParameter("weight", filters(init.weights(fanIn, outChannels, dtype,
          random), outChannels, inChannels, this.kernel));
      this.bias = registerParameter("bias", init.bias(fanIn, outChannels, dtype, random));
    }
  }

  /** Init's {@code [fanIn, out]} draws as {@code [out, in, kh, kw]} filters, on the host. */
  private static Tensor filters(Tensor drawn, int out, int in, int[] kernel) {
    double[] v = drawn.toDoubleArray();
    double[] filters = HostArrays.doubles(v.length,
        () -> "in Conv2d's filters [" + out + ", " + in + ", " + kernel[0] + ", " + kernel[1] + "]");
    int fanIn = v.length / out;
    for (int i = 0; i < fanIn; i++) {
      for (int o = 0; o < out; o++) {
        filters[o * fanIn + i] = v[i * out + o];
      }
    }
    return Tensor.of(filters, drawn.dtype(), out, in, kernel[0], kernel[1]);
  }

  /** Built on the host, not by an op, so that no TensorScope can claim a parameter. */
  private static Tensor uniform(Random random, double bound, DType dtype, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v =
        HostArrays.doubles(n, () -> "in Conv2d's draws of shape " + Arrays.toString(shape));
    for (int i = 0; i < n; i++) {
      v[i] = bound * (2 * random.nextDouble() - 1);
    }
    return Tensor.of(v, dtype, shape);
  }

  @Override
  public Tensor forward(Tensor x) {
    checkArgument(x.rank() == 4 && x.shape().dim(1) == inChannels,
        "%s needs input [batch, %s, height, width], got %s; %s", this, inChannels, x.shape(),
        x.rank() == 2 ? "reshape flat rows to [batch, channels, height, width] first (an "
            + "Unflatten(" + inChannels + ", height, width) layer before it)"
            : x.rank() == 3 && inChannels == 1 ? "add the channel axis first (x.unsqueeze(1))"
            : "give it " + inChannels + " channels");
    return Pool2d.named(this, () -> ConvOps.conv2d(x, weight, bias, stride, padding));
  }

  /** The kernels, {@code [out, in, kh, kw]}. */
  public Tensor weight() {
    return weight;
  }

  /** Channels of the input, {@code c} of {@code [n, c, h, w]}. */
  public int inChannels() {
    return inChannels;
  }

  /** Filters, the channels of the output. */
  public int outChannels() {
    return outChannels;
  }

  /** The bias, {@code [out]}; null for a layer built without one. */
  public Tensor bias() {
    return bias;
  }

  /** The kernel, stride and zero padding. */
  public Window2d window() {
    return new Window2d(kernel, stride, padding);
  }

  @Override
  public String toString() {
    return "Conv2d(" + inChannels + " -> " + outChannels + ", " + kernel[0] + "x" + kernel[1]
        + ", stride " + stride[0] + "x" + stride[1] + ", padding " + padding[0] + "x"
        + padding[1] + (bias == null ? ", no bias" : "") + ")";
  }
}
