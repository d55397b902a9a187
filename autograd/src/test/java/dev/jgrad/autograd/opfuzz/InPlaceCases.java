package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.MatmulOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.List;
import java.util.Random;

/**
 * Ops on a tensor whose buffer the CPU backend keeps state for (the nonzeros of a product's left
 * operand listed ahead by {@code prepareOperand}, the winners of a 2x2 max pooling), run again
 * after the tensor was changed in place (assign, addScaledInPlace, a write through its host
 * array): the second run must see the new values, never the state of the old ones.
 */
final class InPlaceCases {
  private InPlaceCases() {}

  /** How the tensor is changed in place. */
  private enum Change { ASSIGN, ADD_SCALED, HOST_WRITE }

  static FuzzCase draw(Random r, DType dtype) {
    Change change = Change.values()[r.nextInt(3)];
    // whole numbers, so that x + alpha * delta is exact in either dtype
    double alpha = new double[] {1, -1, 2}[r.nextInt(3)];
    return r.nextBoolean() ? product(r, dtype, change, alpha) : pooling(r, dtype, change, alpha);
  }

  /** Values of {@code dist} for {@code shape}, exact in every float dtype. */
  private static Nd values(Random r, Dist dist, int[] shape) {
    double[] v = new double[Nd.sizeOf(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = dist.draw(r);
    }
    return new Nd(shape, v);
  }

  /** {@code x} after the change, as the reference sees it. */
  private static Nd changed(Nd x, Change change, Nd fresh, double alpha) {
    return change == Change.ADD_SCALED ? RefMath.zip(x, fresh, (a, d) -> a + alpha * d) : fresh;
  }

  /** Changes {@code x} in place: to {@code fresh}, or by {@code alpha * fresh}. */
  private static void apply(Tensor x, Change change, Nd fresh, double alpha) {
    Tensor t = Tensor.of(fresh.v, x.dtype(), fresh.shape);
    switch (change) {
      case ASSIGN -> x.assign(t);
      case ADD_SCALED -> x.addScaledInPlace(t, alpha);
      case HOST_WRITE -> {
        HostBuffer host = (HostBuffer) x.buffer();
        for (int i = 0; i < fresh.size(); i++) {
          if (x.dtype() == DType.FLOAT32) {
            host.floatArray()[i] = (float) fresh.v[i];
          } else {
            host.doubleArray()[i] = fresh.v[i];
          }
        }
        x.markChangedInPlace();
      }
    }
  }

  /**
   * A mostly-zero {@code a}, its nonzeros listed ahead, multiplied, changed, then multiplied
   * again (plain, or transposed as a weight gradient reads it).
   */
  private static FuzzCase product(Random r, DType dtype, Change change, double alpha) {
    int m = 64 + r.nextInt(100);
    int k = 256 + r.nextInt(300);
    int n = (1 << 20) / (m * k) + 1 + r.nextInt(40);
    boolean transposed = r.nextBoolean();
    int[] bShape = transposed ? new int[] {m, n} : new int[] {k, n};
    Nd fresh = values(r, change == Change.ADD_SCALED ? Dist.SMALL_INT : Dist.PIXELS,
        new int[] {m, k});
    List<InputSpec> specs = List.of(InputSpec.constant("a", Dist.PIXELS, m, k).dense(),
        InputSpec.constant("b", Dist.SMALL_INT, bShape));
    return new FuzzCase("prepared a, " + (transposed ? "a^T b" : "a b") + ", " + change
        + (change == Change.ADD_SCALED ? " (alpha " + alpha + ")" : "") + ", " + (transposed
        ? "a^T b" : "a b") + " again", specs, in -> {
          Tensor a = in.get(0);
          Tensor b = in.get(1);
          a.backend().prepareOperand(a.buffer(), m, k);
          MatmulOps.matmul(a, transposed, b, false); // reads the lists
          apply(a, change, fresh, alpha);
          return MatmulOps.matmul(a, transposed, b, false);
        }, in -> MatmulCases.reference(changed(in.get(0), change, fresh, alpha), transposed,
            in.get(1), false));
  }

  /**
   * 2x2 stride-2 max pooling of {@code x} (whose winners the native kernel keeps), a change of
   * x, then the pooling's gradient (or the pooling again).
   */
  private static FuzzCase pooling(Random r, DType dtype, Change change, double alpha) {
    RefConv.Geometry g = new RefConv.Geometry(1 + r.nextInt(3), 1 + r.nextInt(4),
        2 + r.nextInt(12), 2 + r.nextInt(12), 0, 2, 2, 2, 2, 0, 0);
    RefConv.Geometry pool = new RefConv.Geometry(g.n(), g.c(), g.h(), g.w(), g.c(), 2, 2, 2, 2,
        0, 0);
    boolean gradient = r.nextBoolean();
    int[] kernel = {2, 2};
    int[] none = {0, 0};
    Nd fresh = values(r, Dist.SMALL_INT, pool.input());
    List<InputSpec> specs = List.of(InputSpec.constant("x", Dist.SMALL_INT,
        pool.input()).dense(), InputSpec.constant("g", Dist.NORMAL, pool.output()));
    return new FuzzCase("maxPool2d 2x2 of x, " + change + ", then " + (gradient
        ? "maxPool2dGrad" : "maxPool2d") + " again", specs, in -> {
          Tensor x = in.get(0);
          PoolOps.maxPool2d(x, kernel, kernel, none);
          apply(x, change, fresh, alpha);
          return gradient ? PoolOps.maxPool2dGrad(x, in.get(1),
              dev.jgrad.api.op.Conv2dGeometry.attrs(kernel, kernel, none))
              : PoolOps.maxPool2d(x, kernel, kernel, none);
        }, in -> {
          Nd x = changed(in.get(0), change, fresh, alpha);
          int[] at = RefConv.firstMax(x, pool);
          Nd out = Nd.zeros(gradient ? pool.input() : pool.output());
          for (int o = 0; o < at.length; o++) {
            if (gradient) {
              out.v[at[o]] += in.get(1).v[o];
            } else {
              out.v[o] = x.v[at[o]];
            }
          }
          return Expect.exact(out, null);
        });
  }
}
