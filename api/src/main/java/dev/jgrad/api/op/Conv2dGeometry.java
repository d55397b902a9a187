package dev.jgrad.api.op;

import dev.jgrad.api.Shape;

/**
 * The sizes of one 2-D convolution or pooling over an input {@code [n, c, h, w]} (NCHW): a
 * {@code [kh, kw]} window moved by {@code [sh, sw]} over the input padded by {@code [ph, pw]}
 * on each side, giving an output {@code [n, f, oh, ow]} ({@code f = c} for pooling). Parsed and
 * checked in this one place, so the shape rules and every backend's kernels agree and a bad
 * argument fails with one wording.
 */
public record Conv2dGeometry(int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw,
    int ph, int pw, int oh, int ow) {

  /**
   * The geometry of {@code op} on input {@code x} with {@code f} output channels and a window of
   * {@code kernel = [kh, kw]}; stride and padding from {@link AttrKeys#STRIDE} and
   * {@link AttrKeys#PADDING}. Fails naming the op, the shapes and what to change.
   */
  public static Conv2dGeometry of(String op, Shape x, int f, int[] kernel, Attrs attrs) {
    int[] stride = pair(op, AttrKeys.STRIDE, attrs.getInts(AttrKeys.STRIDE));
    int[] padding = pair(op, AttrKeys.PADDING, attrs.getInts(AttrKeys.PADDING));
    pair(op, AttrKeys.KERNEL, kernel);
    if (x.rank() != 4) {
      throw new IllegalArgumentException(op + ": needs an input [batch, channels, height, width],"
          + " got " + x + " (reshape it, e.g. MNIST rows to [N, 1, 28, 28])");
    }
    if (stride[0] < 1 || stride[1] < 1) {
      throw new IllegalArgumentException(op + ": stride " + java.util.Arrays.toString(stride)
          + " must be at least 1 in each direction");
    }
    if (padding[0] < 0 || padding[1] < 0) {
      throw new IllegalArgumentException(op + ": padding " + java.util.Arrays.toString(padding)
          + " must not be negative");
    }
    if (kernel[0] < 1 || kernel[1] < 1) {
      throw new IllegalArgumentException(op + ": kernel " + java.util.Arrays.toString(kernel)
          + " must be at least 1x1");
    }
    long hpLong = x.dim(2) + 2L * padding[0];
    long wpLong = x.dim(3) + 2L * padding[1];
    if (hpLong > Integer.MAX_VALUE || wpLong > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(op + ": padding " + java.util.Arrays.toString(padding)
          + " makes the padded input " + hpLong + "x" + wpLong + " (input " + x + "), larger "
          + "than a tensor dimension can be (" + Integer.MAX_VALUE + "); use a smaller padding");
    }
    int hp = (int) hpLong;
    int wp = (int) wpLong;
    if (kernel[0] > hp || kernel[1] > wp) {
      throw new IllegalArgumentException(op + ": kernel " + kernel[0] + "x" + kernel[1]
          + " is larger than the padded input " + hp + "x" + wp + " (input " + x + ", padding "
          + java.util.Arrays.toString(padding) + "): use a smaller kernel or more padding");
    }
    return new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), f, kernel[0], kernel[1],
        stride[0], stride[1], padding[0], padding[1], (hp - kernel[0]) / stride[0] + 1,
        (wp - kernel[1]) / stride[1] + 1);
  }

  /** conv2d's geometry from its input {@code x} and weight {@code w [f, c, kh, kw]}. */
  public static Conv2dGeometry conv(String op, Shape x, Shape w, Attrs attrs) {
    return of(op, x, w.dim(0), new int[] {w.dim(2), w.dim(3)}, attrs);
  }

  /** conv2d's geometry from its output gradient {@code g}, the weight and {@code inputSize}. */
  public static Conv2dGeometry convInputGrad(String op, Shape g, Shape w, Attrs attrs) {
    int[] size = attrs.getInts(AttrKeys.INPUT_SIZE);
    return conv(op, Shape.of(g.dim(0), w.dim(1), size[0], size[1]), w, attrs);
  }

  /** conv2d's geometry from its input {@code x}, output gradient {@code g} and {@code kernel}. */
  public static Conv2dGeometry convWeightGrad(String op, Shape x, Shape g, Attrs attrs) {
    return of(op, x, g.dim(1), attrs.getInts(AttrKeys.KERNEL), attrs);
  }

  /** A pooling's geometry from its input {@code x} ({@code f = c}) and {@code kernel}. */
  public static Conv2dGeometry pool(String op, Shape x, Attrs attrs) {
    return of(op, x, x.rank() == 4 ? x.dim(1) : 0, attrs.getInts(AttrKeys.KERNEL), attrs);
  }

  /** A pooling's geometry from its output gradient {@code g} and {@code inputSize}. */
  public static Conv2dGeometry poolGrad(String op, Shape g, Attrs attrs) {
    int[] size = attrs.getInts(AttrKeys.INPUT_SIZE);
    return pool(op, Shape.of(g.dim(0), g.dim(1), size[0], size[1]), attrs);
  }

  /** The attributes of a convolution or pooling with these window, stride and padding. */
  public static Attrs attrs(int[] kernel, int[] stride, int[] padding, Object... more) {
    Object[] all = new Object[6 + more.length];
    all[0] = AttrKeys.KERNEL;
    all[1] = kernel;
    all[2] = AttrKeys.STRIDE;
    all[3] = stride;
    all[4] = AttrKeys.PADDING;
    all[5] = padding;
    System.arraycopy(more, 0, all, 6, more.length);
    return Attrs.of(all);
  }

  private static int[] pair(String op, String key, int[] v) {
    if (v.length != 2) {
      throw new IllegalArgumentException(op + ": " + key + " needs two values [height, width], got "
          + java.util.Arrays.toString(v));
    }
    return v;
  }

  /** The input's shape. */
  public Shape inputShape() {
    return Shape.of(n, c, h, w);
  }

  /** The output's shape. */
  public Shape outputShape() {
    return Shape.of(n, f, oh, ow);
  }

  /** Rows of one sample's im2col matrix: {@code c * kh * kw}. */
  public int patchSize() {
    return c * kh * kw;
  }

  /** Entries of one output plane: {@code oh * ow}. */
  public int outPlane() {
    return oh * ow;
  }

  /** Entries of one input plane: {@code h * w}. */
  public int inPlane() {
    return h * w;
  }
}
