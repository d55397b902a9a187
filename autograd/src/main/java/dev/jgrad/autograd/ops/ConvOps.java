package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.INPUT_SIZE;
import static dev.jgrad.api.op.AttrKeys.KERNEL;
import static dev.jgrad.api.op.AttrKeys.PADDING;
import static dev.jgrad.api.op.AttrKeys.STRIDE;
import static dev.jgrad.api.op.OpNames.CONV2D;
import static dev.jgrad.api.op.OpNames.CONV2D_INPUT_GRAD;
import static dev.jgrad.api.op.OpNames.CONV2D_WEIGHT_GRAD;
import static dev.jgrad.autograd.ops.OpSupport.registerOp;

import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.CompositeKernel;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as in PyTorch) over NCHW tensors and its two gradients as
 * ops of their own, so that a backend can run each in one pass: {@code jgrad::conv2d} (input
 * {@code x [N, C, H, W]}, weight {@code [F, C, KH, KW]}, optional bias {@code [F]}),
 * {@code jgrad::conv2d_input_grad} (inputs {@code g, w}) and {@code jgrad::conv2d_weight_grad}
 * (inputs {@code x, g}). The portable kernels are im2col ({@link Patches}) and one product.
 *
 * <p>All three are bilinear, so each one's gradient is one of the other two (or conv2d itself),
 * and second derivatives come for free.
 */
public final class ConvOps {
  private ConvOps() {}

  /** {@code conv2d(x, w) + bias} with the given stride and padding; bias may be null. */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding) {
    Attrs a = Attrs.of(STRIDE, stride, PADDING, padding);
    return bias == null ? Ops.call(CONV2D, a, x, w) : Ops.call(CONV2D, a, x, w, bias);
  }

  /** The gradient of conv2d with respect to its input of {@code inputSize = [h, w]}. */
  public static Tensor inputGrad(Tensor g, Tensor w, int[] stride, int[] padding,
      int[] inputSize) {
    return Ops.call(CONV2D_INPUT_GRAD, Attrs.of(STRIDE, stride, PADDING, padding, INPUT_SIZE,
        inputSize), g, w);
  }

  /** The gradient of conv2d with respect to its weight of window {@code kernel = [kh, kw]}. */
  public static Tensor weightGrad(Tensor x, Tensor g, int[] stride, int[] padding,
      int[] kernel) {
    return Ops.call(CONV2D_WEIGHT_GRAD, Attrs.of(STRIDE, stride, PADDING, padding, KERNEL,
        kernel), x, g);
  }

  /** The geometry of conv2d on {@code x} with weight {@code w}, both checked. */
  public static Conv2dGeometry geometry(String op, Shape x, Shape w, Attrs a) {
    if (w.rank() != 4) {
      throw new IllegalArgumentException(op + ": needs a weight [filters, channels, kh, kw], got "
          + w + " (input " + x + ")");
    }
    Conv2dGeometry g = Conv2dGeometry.of(op, x, w.dim(0), new int[] {w.dim(2), w.dim(3)}, a);
    if (w.dim(1) != g.c()) {
      throw new IllegalArgumentException(op + ": input " + x + " has " + g.c()
          + " channels but weight " + w + " expects " + w.dim(1) + " (weight [filters, "
          + "channels, kh, kw]: make in-channels " + g.c() + ")");
    }
    return g;
  }

  /** The shape {@code [n, c, h, w]} of a conv2d input from its gradient's op's operands. */
  private static Shape inputOf(String op, Shape g, Shape w, int[] size) {
    if (g.rank() != 4 || w.rank() != 4 || g.dim(1) != w.dim(0) || size.length != 2) {
      throw new IllegalArgumentException(op + ": needs g [N, F, OH, OW], w [F, C, KH, KW] and "
          + INPUT_SIZE + " [h, w], got " + g + ", " + w + ", " + Arrays.toString(size));
    }
    return Shape.of(g.dim(0), w.dim(1), size[0], size[1]);
  }

  /** Checks that {@code g} is the output shape of the geometry. */
  private static void checkOutput(String op, Conv2dGeometry geo, Shape g) {
    if (!geo.outputShape().equals(g)) {
      throw new IllegalArgumentException(op + ": gradient " + g + " is not the output shape "
          + geo.outputShape() + " of input " + geo.inputShape());
    }
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(CONV2D).arity(OpDef.VARIADIC).attributes(STRIDE, PADDING).shapeRule((in, a) -> {
      if (in.size() != 2 && in.size() != 3) {
        throw new IllegalArgumentException(CONV2D + ": takes x, weight and an optional bias, got "
            + in.size() + " inputs");
      }
      Conv2dGeometry g = geometry(CONV2D, in.get(0).shape(), in.get(1).shape(), a);
      if (in.size() == 3 && !in.get(2).shape().equals(Shape.of(g.f()))) {
        throw new IllegalArgumentException(CONV2D + ": bias " + in.get(2).shape()
            + " must be [" + g.f() + "], one per filter of weight " + in.get(1).shape());
      }
      return new TensorSpec(g.outputShape(), in.get(0).dtype());
    }).build(), (CompositeKernel) ConvOps::forward, ctx -> {
      Tensor x = ctx.input(0);
      Tensor w = ctx.input(1);
      Tensor g = ctx.gradOutput();
      int[] stride = ctx.attrs().getInts(STRIDE);
      int[] padding = ctx.attrs().getInts(PADDING);
      return Arrays.asList(
          ctx.needsGradient(0) ? inputGrad(g, w, stride, padding,
              new int[] {x.shape().dim(2), x.shape().dim(3)}) : null,
          ctx.needsGradient(1) ? weightGrad(x, g, stride, padding,
              new int[] {w.shape().dim(2), w.shape().dim(3)}) : null,
          ctx.inputCount() == 3 && ctx.needsGradient(2) ? g.sum(false, 0, 2, 3) : null)
          .subList(0, ctx.inputCount());
    });

    registerOp(r, OpDef.builder(CONV2D_INPUT_GRAD).arity(2).attributes(STRIDE, PADDING, INPUT_SIZE).shapeRule((in, a) -> {
      Shape x = inputOf(CONV2D_INPUT_GRAD, in.get(0).shape(), in.get(1).shape(),
          a.getInts(INPUT_SIZE));
      checkOutput(CONV2D_INPUT_GRAD, geometry(CONV2D_INPUT_GRAD, x, in.get(1).shape(), a),
          in.get(0).shape());
      return new TensorSpec(x, in.get(0).dtype());
    }).build(), (CompositeKernel) ConvOps::inputGradPortable, ctx -> {
      // <Z, inputGrad(g, w)> = <conv2d(Z, w), g>
      Tensor z = ctx.gradOutput();
      Tensor g = ctx.input(0);
      int[] stride = ctx.attrs().getInts(STRIDE);
      int[] padding = ctx.attrs().getInts(PADDING);
      Tensor w = ctx.input(1);
      return Arrays.asList(ctx.needsGradient(0) ? conv2d(z, w, null, stride, padding) : null,
          ctx.needsGradient(1) ? weightGrad(z, g, stride, padding,
              new int[] {w.shape().dim(2), w.shape().dim(3)}) : null);
    });

    registerOp(r, OpDef.builder(CONV2D_WEIGHT_GRAD).arity(2).attributes(STRIDE, PADDING, KERNEL).shapeRule((in, a) -> {
      Shape x = in.get(0).shape();
      Shape g = in.get(1).shape();
      int[] k = a.getInts(KERNEL);
      if (x.rank() != 4 || g.rank() != 4 || k.length != 2) {
        throw new IllegalArgumentException(CONV2D_WEIGHT_GRAD + ": needs x [N, C, H, W], g [N, F,"
            + " OH, OW] and " + KERNEL + " [kh, kw], got " + x + ", " + g + ", "
            + Arrays.toString(k));
      }
      Conv2dGeometry geo = Conv2dGeometry.of(CONV2D_WEIGHT_GRAD, x, g.dim(1), k, a);
      checkOutput(CONV2D_WEIGHT_GRAD, geo, g);
      return new TensorSpec(Shape.of(geo.f(), geo.c(), geo.kh(), geo.kw()), in.get(0).dtype());
    }).build(), (CompositeKernel) ConvOps::weightGradPortable, ctx -> {
      // <Z, weightGrad(x, g)> = <conv2d(x, Z), g>
      Tensor z = ctx.gradOutput();
      Tensor x = ctx.input(0);
      int[] stride = ctx.attrs().getInts(STRIDE);
      int[] padding = ctx.attrs().getInts(PADDING);
      return Arrays.asList(ctx.needsGradient(0) ? inputGrad(ctx.input(1), z, stride, padding,
              new int[] {x.shape().dim(2), x.shape().dim(3)}) : null,
          ctx.needsGradient(1) ? conv2d(x, z, null, stride, padding) : null);
    });
  }

  /** {@code cols [n * oh * ow, c * kh * kw]}: one row per output position. */
  private static Tensor rows(Tensor x, Conv2dGeometry g) {
    return Patches.windows(x, g, 0).reshape(g.n(), g.patchSize(), g.outPlane()).transpose()
        .reshape(g.n() * g.outPlane(), g.patchSize());
  }

  /** {@code [n * oh * ow, f]} from a gradient or output {@code [n, f, oh, ow]}. */
  private static Tensor positions(Tensor t, Conv2dGeometry g) {
    return t.reshape(g.n(), g.f(), g.outPlane()).transpose()
        .reshape(g.n() * g.outPlane(), g.f());
  }

  private static Tensor forward(List<Tensor> in, Attrs a) {
    Tensor x = in.get(0);
    Tensor w = in.get(1);
    Conv2dGeometry g = geometry(CONV2D, x.shape(), w.shape(), a);
    Tensor out = MatmulOps.matmul(rows(x, g), false, w.reshape(g.f(), g.patchSize()), true)
        .reshape(g.n(), g.outPlane(), g.f()).transpose().reshape(g.n(), g.f(), g.oh(), g.ow());
    return in.size() == 3 ? out.add(in.get(2).reshape(g.f(), 1, 1)) : out;
  }

  private static Tensor inputGradPortable(List<Tensor> in, Attrs a) {
    Tensor gy = in.get(0);
    Tensor w = in.get(1);
    Shape xs = inputOf(CONV2D_INPUT_GRAD, gy.shape(), w.shape(), a.getInts(INPUT_SIZE));
    Conv2dGeometry g = geometry(CONV2D_INPUT_GRAD, xs, w.shape(), a);
    Tensor cols = positions(gy, g).matmul(w.reshape(g.f(), g.patchSize()));
    return Patches.fold(cols.reshape(g.n(), g.outPlane(), g.patchSize()).transpose()
        .reshape(g.n(), g.c(), g.kh() * g.kw(), g.outPlane()), g);
  }

  private static Tensor weightGradPortable(List<Tensor> in, Attrs a) {
    Tensor x = in.get(0);
    Tensor gy = in.get(1);
    Conv2dGeometry g = Conv2dGeometry.of(CONV2D_WEIGHT_GRAD, x.shape(), gy.shape().dim(1),
        a.getInts(KERNEL), a);
    return MatmulOps.matmul(positions(gy, g), true, rows(x, g), false)
        .reshape(g.f(), g.c(), g.kh(), g.kw());
  }
}
