package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * One drawn input: the tensor an op gets (often a view), the leaf its gradient lands on (the
 * view's base, or the view itself made a leaf) and the exact values the reference computes with.
 *
 * @param leaf the tensor whose {@code grad()} to check, or null when no gradient is wanted
 * @param atBase whether {@code leaf} is the base, so that the reference gradient goes through
 *     the chain's adjoint
 */
record FuzzInput(InputSpec spec, Tensor tensor, Tensor leaf, Nd values, ViewChain chain,
    boolean atBase, DType dtype) {

  /** Positions a view does not read hold this, so that reading one shows. */
  private static final int POISON_INDEX = -1_000_000;

  /**
   * Draws the values and a view chain for {@code spec} and builds the tensor; a float input of
   * {@code dtype} that {@code wantGrad} gets its gradient checked.
   */
  static FuzzInput draw(Random r, InputSpec spec, DType dtype, boolean wantGrad, int maxDepth) {
    return draw(r, spec, dtype, wantGrad, maxDepth, null, false);
  }

  /**
   * {@link #draw(Random, InputSpec, DType, boolean, int)} on {@code backend} (null: the current
   * one), with a few float values made NaN or an infinity when {@code specials}.
   */
  static FuzzInput draw(Random r, InputSpec spec, DType dtype, boolean wantGrad, int maxDepth,
      Backend backend, boolean specials) {
    boolean big = Nd.sizeOf(spec.shape()) > 50_000;
    ViewChain chain = maxDepth == 0 ? ViewChain.none(spec.shape())
        : ViewChain.draw(r, spec.shape(), big ? Math.min(maxDepth, 2) : maxDepth, big);
    int[] baseShape = chain.baseShape();
    boolean[] reached = chain.reached();
    double[] base = new double[reached.length];
    for (int i = 0; i < base.length; i++) {
      base[i] = reached[i] ? value(r, spec, dtype) : poison(spec);
      // about three a tensor, at most one in 25: a few, so that they do not all meet in NaN
      if (specials && spec.kind() == InputSpec.Kind.DATA
          && r.nextInt(Math.max(25, base.length / 3)) == 0) {
        base[i] = new double[] {Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY}[r.nextInt(3)];
      }
    }
    Tensor baseTensor = upload(spec, dtype, base, baseShape);
    if (backend != null) {
      baseTensor = baseTensor.to(backend);
    }
    boolean grad = wantGrad && spec.kind() == InputSpec.Kind.DATA;
    boolean atBase = grad && (chain.isEmpty() || r.nextBoolean());
    if (atBase) {
      baseTensor.requiresGrad(true);
    }
    Tensor t;
    try {
      t = chain.apply(baseTensor);
    } catch (RuntimeException e) {
      throw new IllegalStateException(chain.describe() + " threw " + e, e);
    }
    if (grad && !atBase) {
      t.requiresGrad(true); // a view made a leaf: its gradient is stored dense
    }
    Nd values = chain.forward(new Nd(baseShape, base));
    DType type = switch (spec.kind()) {
      case DATA -> dtype;
      case INDEX -> DType.INT32;
      case BYTES -> DType.UINT8;
    };
    return new FuzzInput(spec, t, grad ? (atBase ? baseTensor : t) : null, values, chain, atBase,
        type);
  }

  /** A value of the spec's distribution, exactly representable in the tensor's dtype. */
  private static double value(Random r, InputSpec spec, DType dtype) {
    return switch (spec.kind()) {
      case INDEX -> r.nextInt(spec.bound());
      case BYTES -> r.nextInt(5) == 0 ? r.nextInt(256) : (r.nextBoolean() ? 0 : 255 - r.nextInt(3));
      case DATA -> dtype == DType.FLOAT32 ? (float) spec.dist().draw(r) : spec.dist().draw(r);
    };
  }

  private static double poison(InputSpec spec) {
    return switch (spec.kind()) {
      case INDEX -> POISON_INDEX;
      case BYTES -> 0xAB;
      case DATA -> Double.NaN;
    };
  }

  private static Tensor upload(InputSpec spec, DType dtype, double[] v, int[] shape) {
    return switch (spec.kind()) {
      case DATA -> Tensor.of(v, dtype, shape);
      case INDEX -> Tensor.indices(Arrays.stream(v).mapToInt(d -> (int) d).toArray())
          .reshape(shape);
      case BYTES -> {
        byte[] b = new byte[v.length];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) (int) v[i];
        }
        yield Tensor.ofBytes(b, shape);
      }
    };
  }

  /** The reference gradient on {@link #leaf} of a gradient {@code g} on {@link #tensor}. */
  Nd gradOnLeaf(Nd g) {
    return atBase ? chain.adjoint(g) : g;
  }

  /** The input as a message names it: role, dtype, shape, layout and how it was made. */
  String describe() {
    return spec.role() + ": " + dtype + Arrays.toString(spec.shape()) + " " + tensor.layout()
        + " = " + chain.describe() + " (" + (spec.dist() == null ? spec.kind() : spec.dist())
        + (leaf == null ? "" : atBase ? ", grad at base" : ", grad at view") + ")";
  }
}
