package dev.jgrad.autograd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code flatten}, {@code split} and {@code chunk}, composed from {@link Tensor#reshape}
 * and {@link Tensor#slice}: views where those are, gradients through them.
 */
final class Splits {
  private Splits() {}

  /** Axes {@code startDim..endDim} (negative from the end) merged into one. */
  static Tensor flatten(Tensor x, int startDim, int endDim) {
    Shape s = x.shape();
    if (s.rank() == 0) { // as PyTorch: a scalar flattens to one element
      checkArgument(startDim == 0 || startDim == -1, "flatten: dims %s..%s of a scalar; "
          + "a scalar has only dim 0 (or -1)", startDim, endDim);
      checkArgument(endDim == 0 || endDim == -1, "flatten: dims %s..%s of a scalar; a scalar "
          + "has only dim 0 (or -1)", startDim, endDim);
      return x.reshape(1);
    }
    int start = axis("flatten", s, startDim);
    int end = axis("flatten", s, endDim);
    checkArgument(start <= end, "flatten: startDim %s comes after endDim %s in shape %s; "
        + "give startDim <= endDim", startDim, endDim, s);
    int[] dims = s.dims();
    int[] out = new int[dims.length - (end - start)];
    long merged = 1;
    for (int i = start; i <= end; i++) {
      merged *= dims[i];
    }
    System.arraycopy(dims, 0, out, 0, start);
    out[start] = Math.toIntExact(merged);
    System.arraycopy(dims, end + 1, out, start + 1, dims.length - end - 1);
    return x.reshape(out);
  }

  /** Slices of the given sizes along {@code axis}, which must add up to its size. */
  static List<Tensor> split(Tensor x, int[] sizes, int axis) {
    checkNotNull(sizes, "split: sizes is null; pass the size of each part");
    Shape s = x.shape();
    int a = axis("split", s, axis);
    long total = 0;
    for (int size : sizes) {
      checkArgument(size >= 0, "split: sizes %s has a negative size; give sizes >= 0",
          Arrays.toString(sizes));
      total += size;
    }
    checkArgument(total == s.dim(a), "split: sizes %s add up to %s, but axis %s of shape %s has "
        + "size %s; give sizes that add up to it", Arrays.toString(sizes), total, axis, s,
        s.dim(a));
    List<Tensor> parts = new ArrayList<>(sizes.length);
    int start = 0;
    for (int size : sizes) {
      parts.add(x.slice(a, start, size));
      start += size;
    }
    return parts;
  }

  /** Parts of {@code size} along {@code axis}, the last shorter, as {@code torch.split(x, size)}. */
  static List<Tensor> split(Tensor x, int size, int axis) {
    checkArgument(size >= 1, "split: part size %s for shape %s; give a size >= 1", size,
        x.shape());
    int length = x.shape().dim(axis("split", x.shape(), axis));
    return split(x, parts(length, size, (length + size - 1) / size), axis);
  }

  /** {@code count} sizes of {@code part}, the last cut to what is left of {@code length}. */
  private static int[] parts(int length, int part, int count) {
    int[] sizes = new int[count];
    for (int i = 0; i < count; i++) {
      sizes[i] = Math.min(part, length - i * part);
    }
    return sizes;
  }

  /**
   * As PyTorch's {@code chunk}: parts of {@code ceil(size / n)} along {@code axis}, the last
   * smaller, so there may be fewer than {@code n}; an empty axis gives {@code n} empty parts.
   */
  static List<Tensor> chunk(Tensor x, int n, int axis) {
    checkArgument(n >= 1, "chunk: %s chunks asked of shape %s; ask for at least 1", n,
        x.shape());
    int size = x.shape().dim(axis("chunk", x.shape(), axis));
    int part = (int) ((size + (long) n - 1) / n);
    return split(x, parts(size, part, part == 0 ? n : (size + part - 1) / part), axis);
  }

  /** {@code axis} counted from 0, checked against {@code s}; errors name {@code op}. */
  static int axis(String op, Shape s, int axis) {
    checkArgument(axis >= -s.rank() && axis < s.rank(), "%s: axis %s is out of range for shape "
        + "%s (rank %s); give an axis from %s to %s", op, axis, s, s.rank(), -s.rank(),
        s.rank() - 1);
    return axis < 0 ? axis + s.rank() : axis;
  }
}
