package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Shape;
import java.util.Arrays;

/**
 * PyTorch's {@code flip} and {@code repeat}, composed from {@link Tensor#indexSelect},
 * {@link Tensor#reshape} and {@link Tensor#expand}: their gradients (the gradient flipped back;
 * summed over the tiles) come from those ops' rules.
 */
final class Rearrangements {
  private Rearrangements() {}

  /** {@code x} reversed along each of {@code axes}, as {@code torch.flip}. */
  static Tensor flip(Tensor x, int... axes) {
    checkNotNull(axes, "flip: axes is null; pass the axes to reverse");
    Shape s = x.shape();
    boolean[] flipped = new boolean[s.rank()];
    for (int axis : axes) {
      int a = Splits.axis("flip", s, axis);
      checkArgument(!flipped[a], "flip: axis %s appears more than once in %s for shape %s; give "
          + "each axis once", a, Arrays.toString(axes), s);
      flipped[a] = true;
    }
    Tensor out = x;
    for (int a = 0; a < flipped.length; a++) {
      int n = s.dim(a);
      if (flipped[a] && n > 1) {
        out = out.indexSelect(a, Tensor.arange(n - 1, -1, -1).to(x.backend()));
      }
    }
    return out;
  }

  /**
   * {@code x} tiled {@code times[i]} times along axis i, as {@code torch.Tensor.repeat}: more
   * counts than axes add leading axes (x is read as shape {@code [1, ..., 1, dims...]}).
   */
  static Tensor repeat(Tensor x, int... times) {
    checkNotNull(times, "repeat: times is null; pass a count for each axis");
    Shape s = x.shape();
    checkArgument(times.length >= s.rank(), "repeat: %s counts %s for shape %s of rank %s; give "
        + "at least one count per axis (more add leading axes)", times.length,
        Arrays.toString(times), s, s.rank());
    int lead = times.length - s.rank();
    int[] split = new int[2 * times.length]; // [1, d0, 1, d1, ...]: a new axis before each
    int[] tiled = new int[2 * times.length]; // [t0, d0, t1, d1, ...]
    int[] out = new int[times.length];
    for (int i = 0; i < times.length; i++) {
      checkArgument(times[i] >= 0, "repeat: counts %s for shape %s hold a negative count; give "
          + "counts >= 0", Arrays.toString(times), s);
      int d = i < lead ? 1 : s.dim(i - lead);
      split[2 * i] = 1;
      split[2 * i + 1] = d;
      tiled[2 * i] = times[i];
      tiled[2 * i + 1] = d;
      out[i] = Math.multiplyExact(times[i], d);
    }
    return x.reshape(split).expand(tiled).reshape(out);
  }
}
