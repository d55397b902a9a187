package dev.jgrad.autograd.ops;

import static dev.jgrad.api.op.AttrKeys.INPUT_SIZE;
import static dev.jgrad.api.op.AttrKeys.KERNEL;
import static dev.jgrad.api.op.AttrKeys.PADDING;
import static dev.jgrad.api.op.AttrKeys.STRIDE;
import static dev.jgrad.api.op.OpNames.AVG_POOL2D;
import static dev.jgrad.api.op.OpNames.AVG_POOL2D_GRAD;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D;
import static dev.jgrad.api.op.OpNames.MAX_POOL2D_GRAD;
import static dev.jgrad.autograd.ops.OpSupport.one;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * 2-D max and average pooling over NCHW tensors, with their gradients as ops of their own:
 * {@code jgrad::max_pool2d} (a window's gradient goes to its first maximum in row-major order,
 * as in PyTorch, so ties are deterministic), {@code jgrad::avg_pool2d} (padding counts as zeros
 * in the mean, PyTorch's default), {@code jgrad::max_pool2d_grad} (inputs {@code x, g}) and
 * {@code jgrad::avg_pool2d_grad} (input {@code g}). Attributes: {@code kernel}, {@code stride},
 * {@code padding}, each {@code [height, width]}; padding at most half the window, as in PyTorch,
 * so that every window holds an input entry.
 */
public final class PoolOps {
  /** Max pooling's padding: below any finite FLOAT32 value, so it never wins a window. */
  private static final double MAX_PAD = -Float.MAX_VALUE;

  private PoolOps() {}

  /**
   * {@code jgrad::max_pool2d} of {@code x [N, C, H, W]} with windows {@code kernel}, steps
   * {@code stride} and {@code padding} (padded entries never win), each {@code [height, width]};
   * output {@code [N, C, outH, outW]}.
   */
  public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    return Ops.call(MAX_POOL2D, Conv2dGeometry.attrs(kernel, stride, padding), x);
  }

  /**
   * {@code jgrad::avg_pool2d} of {@code x [N, C, H, W]}, with {@code kernel}, {@code stride} and
   * {@code padding} as in {@link #maxPool2d}; padding counts as zeros in each mean.
   */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    return Ops.call(AVG_POOL2D, Conv2dGeometry.attrs(kernel, stride, padding), x);
  }

  /** max_pool2d's gradient with respect to {@code x}, from the output's gradient {@code g}. */
  public static Tensor maxPool2dGrad(Tensor x, Tensor g, Attrs pooling) {
    return Ops.call(MAX_POOL2D_GRAD, pooling, x, g);
  }

  /** avg_pool2d's gradient with respect to its input of {@code [h, w]}. */
  public static Tensor avgPool2dGrad(Tensor g, Attrs pooling, int h, int w) {
    return Ops.call(AVG_POOL2D_GRAD, withInputSize(pooling, h, w), g);
  }

  /** The geometry of a pooling of {@code x}, checked. */
  public static Conv2dGeometry geometry(String op, Shape x, Attrs a) {
    Conv2dGeometry g = Conv2dGeometry.of(op, x, x.rank() == 4 ? x.dim(1) : 0, a.getInts(KERNEL),
        a);
    if (2 * g.ph() > g.kh() || 2 * g.pw() > g.kw()) {
      throw new IllegalArgumentException(op + ": padding " + Arrays.toString(a.getInts(PADDING))
          + " is more than half the window " + g.kh() + "x" + g.kw() + " (input " + x
          + "): use at most half the window");
    }
    return g;
  }

  private static Attrs withInputSize(Attrs a, int h, int w) {
    return Conv2dGeometry.attrs(a.getInts(KERNEL), a.getInts(STRIDE), a.getInts(PADDING),
        INPUT_SIZE, new int[] {h, w});
  }

  /** The input shape of a pooling gradient {@code g [n, c, oh, ow]} that restores {@code [h, w]}. */
  private static Conv2dGeometry gradGeometry(String op, Shape g, Attrs a) {
    int[] size = a.getInts(INPUT_SIZE);
    if (g.rank() != 4 || size.length != 2) {
      throw new IllegalArgumentException(op + ": needs g [N, C, OH, OW] and " + INPUT_SIZE
          + " [h, w], got " + g + " and " + Arrays.toString(size));
    }
    return checkOutput(op, geometry(op, Shape.of(g.dim(0), g.dim(1), size[0], size[1]), a), g);
  }

  private static Conv2dGeometry checkOutput(String op, Conv2dGeometry geo, Shape g) {
    if (!geo.outputShape().equals(g)) {
      throw new IllegalArgumentException(op + ": gradient " + g + " is not the output shape "
          + geo.outputShape() + " of input " + geo.inputShape());
    }
    return geo;
  }

  static void register(OpRegistry.Registration r) {
    registerOp(r, OpDef.builder(MAX_POOL2D).arity(1).attributes(KERNEL, STRIDE, PADDING).shapeRule((in, a) -> new TensorSpec(
        geometry(MAX_POOL2D, in.get(0).shape(), a).outputShape(), in.get(0).dtype())).build(),
        (CompositeKernel) (in, a) -> {
          Conv2dGeometry g = geometry(MAX_POOL2D, in.get(0).shape(), a);
          return Patches.windows(in.get(0), g, MAX_PAD).max(2, false)
              .reshape(g.outputShape().dims());
        },
        ctx -> one(maxPool2dGrad(ctx.input(0), ctx.gradOutput(), ctx.attrs())));

    registerOp(r, OpDef.builder(MAX_POOL2D_GRAD).arity(2).attributes(KERNEL, STRIDE, PADDING).shapeRule((in, a) -> {
      Shape x = in.get(0).shape();
      checkOutput(MAX_POOL2D_GRAD, geometry(MAX_POOL2D_GRAD, x, a), in.get(1).shape());
      return in.get(0);
    }).build(), (CompositeKernel) (in, a) -> {
      Conv2dGeometry g = geometry(MAX_POOL2D_GRAD, in.get(0).shape(), a);
      return Patches.fold(picked(firstMax(in.get(0), g), in.get(1).reshape(g.n(), g.c(), 1,
          g.outPlane())), g);
    }, ctx -> {
      // linear in g: <Z, P^T g> = <P Z, g>, P picking each window's first maximum; flat in x
      Tensor x = ctx.input(0);
      Conv2dGeometry g = geometry(MAX_POOL2D_GRAD, x.shape(), ctx.attrs());
      Tensor picked = ctx.needsGradient(1) ? picked(firstMax(x, g),
          Patches.windows(ctx.gradOutput(), g, 0)).sum(2, false)
          .reshape(g.outputShape().dims()) : null;
      return Arrays.asList(null, picked);
    });

    registerOp(r, OpDef.builder(AVG_POOL2D).arity(1).attributes(KERNEL, STRIDE, PADDING).shapeRule((in, a) -> new TensorSpec(
        geometry(AVG_POOL2D, in.get(0).shape(), a).outputShape(), in.get(0).dtype())).build(),
        (CompositeKernel) (in, a) -> {
          Conv2dGeometry g = geometry(AVG_POOL2D, in.get(0).shape(), a);
          return Patches.windows(in.get(0), g, 0).mean(2, false)
              .reshape(g.outputShape().dims());
        },
        ctx -> one(avgPool2dGrad(ctx.gradOutput(), ctx.attrs(), ctx.input(0).shape().dim(2),
            ctx.input(0).shape().dim(3))));

    registerOp(r, OpDef.builder(AVG_POOL2D_GRAD).arity(1).attributes(KERNEL, STRIDE, PADDING, INPUT_SIZE).shapeRule((in, a) -> new TensorSpec(
        gradGeometry(AVG_POOL2D_GRAD, in.get(0).shape(), a).inputShape(), in.get(0).dtype()))
        .build(), (CompositeKernel) (in, a) -> {
          Conv2dGeometry g = gradGeometry(AVG_POOL2D_GRAD, in.get(0).shape(), a);
          int window = g.kh() * g.kw();
          return Patches.fold(in.get(0).reshape(g.n(), g.c(), 1, g.outPlane())
              .broadcastTo(g.n(), g.c(), window, g.outPlane()).mul(1.0 / window), g);
        },
        // linear: its adjoint is the pooling itself
        ctx -> one(Ops.call(AVG_POOL2D, Conv2dGeometry.attrs(ctx.attrs().getInts(KERNEL),
            ctx.attrs().getInts(STRIDE), ctx.attrs().getInts(PADDING)), ctx.gradOutput())));
  }

  /**
   * 1 at each window's first maximum of {@code x} (its first NaN when it holds one, as the
   * pooling's value is NaN then and the CPU kernels pick it), else 0:
   * {@code [n, c, kh * kw, oh * ow]}.
   */
  private static Tensor firstMax(Tensor x, Conv2dGeometry g) {
    Tensor windows = Patches.windows(x, g, MAX_PAD);
    Tensor max = windows.max(2, true);
    // equal to the maximum, or NaN in a window whose maximum is NaN (NaN equals nothing)
    Tensor ties = windows.eq(max).add(isNan(max).mul(isNan(windows)));
    int window = g.kh() * g.kw();
    List<Tensor> first = new ArrayList<>(window);
    Tensor taken = null;
    for (int k = 0; k < window; k++) {
      Tensor tie = ties.slice(2, k, 1);
      Tensor pick = taken == null ? tie : tie.mul(taken.neg().add(1));
      first.add(pick);
      taken = taken == null ? pick : taken.add(pick);
    }
    return window == 1 ? first.get(0) : Tensor.concat(2, first);
  }

  /**
   * {@code values} (broadcast) where {@code mask} is 1, else 0: selected, not multiplied, so
   * that an infinite value stays out of the entries the mask drops (0 * inf is NaN).
   */
  private static Tensor picked(Tensor mask, Tensor values) {
    return Tensor.where(mask, values, Tensor.zeros(values.dtype()).to(values.backend()));
  }

  /** 1 where {@code t} is NaN, else 0. */
  private static Tensor isNan(Tensor t) {
    return t.eq(t).neg().add(1);
  }
}
