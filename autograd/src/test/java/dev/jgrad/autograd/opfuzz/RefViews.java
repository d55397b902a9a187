package dev.jgrad.autograd.opfuzz;

/**
 * Reference movement of values, with the adjoint of each (what a view's gradient must be):
 * permute, strided slice, NumPy broadcast. Index arithmetic by odometer, one element at a time.
 */
final class RefViews {
  private RefViews() {}

  /** Axis {@code i} of the result is axis {@code p[i]} of {@code x}. */
  static Nd permute(Nd x, int[] p) {
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = x.shape[p[i]];
    }
    int[] xs = Nd.strides(x.shape);
    double[] r = new double[x.size()];
    int[] idx = new int[out.length];
    for (int f = 0; f < r.length; f++) {
      int at = 0;
      for (int i = 0; i < p.length; i++) {
        at += idx[i] * xs[p[i]];
      }
      r[f] = x.v[at];
      Nd.next(idx, out);
    }
    return new Nd(out, r);
  }

  static int[] inverse(int[] p) {
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[p[i]] = i;
    }
    return inv;
  }

  /** {@code length} entries of {@code axis} from {@code start}, {@code step} apart. */
  static Nd slice(Nd x, int axis, int start, int length, int step) {
    int[] out = x.shape.clone();
    out[axis] = length;
    int[] xs = Nd.strides(x.shape);
    double[] r = new double[Nd.sizeOf(out)];
    int[] idx = new int[out.length];
    for (int f = 0; f < r.length; f++) {
      int at = 0;
      for (int i = 0; i < out.length; i++) {
        at += (i == axis ? start + idx[i] * step : idx[i]) * xs[i];
      }
      r[f] = x.v[at];
      Nd.next(idx, out);
    }
    return new Nd(out, r);
  }

  /** The adjoint of {@link #slice}: {@code g} placed back into zeros of {@code full}. */
  static Nd unslice(Nd g, int[] full, int axis, int start, int step) {
    Nd r = Nd.zeros(full);
    int[] rs = Nd.strides(full);
    int[] idx = new int[g.rank()];
    for (int f = 0; f < g.size(); f++) {
      int at = 0;
      for (int i = 0; i < idx.length; i++) {
        at += (i == axis ? start + idx[i] * step : idx[i]) * rs[i];
      }
      r.v[at] += g.v[f];
      Nd.next(idx, g.shape);
    }
    return r;
  }

  /** The broadcast shape of {@code a} and {@code b} (NumPy rules), or null when they clash. */
  static int[] broadcastShape(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** For each element of {@code out}, the flat position in {@code from} it reads (broadcast). */
  static int[] broadcastOffsets(int[] from, int[] out) {
    int lead = out.length - from.length;
    int[] fs = Nd.strides(from);
    int[] offsets = new int[Nd.sizeOf(out)];
    int[] idx = new int[out.length];
    for (int f = 0; f < offsets.length; f++) {
      int at = 0;
      for (int i = 0; i < from.length; i++) {
        at += (from[i] == 1 ? 0 : idx[i + lead]) * fs[i];
      }
      offsets[f] = at;
      Nd.next(idx, out);
    }
    return offsets;
  }

  static Nd broadcast(Nd x, int[] to) {
    int[] off = broadcastOffsets(x.shape, to);
    double[] r = new double[off.length];
    for (int f = 0; f < r.length; f++) {
      r[f] = x.v[off[f]];
    }
    return new Nd(to, r);
  }

  /** The adjoint of {@link #broadcast}: {@code g} summed back onto {@code shape}. */
  static Nd sumTo(Nd g, int[] shape) {
    int[] off = broadcastOffsets(shape, g.shape);
    Nd r = Nd.zeros(shape);
    for (int f = 0; f < off.length; f++) {
      r.v[off[f]] += g.v[f];
    }
    return r;
  }
}
