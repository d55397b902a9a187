package dev.jgrad.testkit;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * indexSelect (of every dtype, INT32 labels too), indexAdd (repeated indices accumulate) and
 * oneHot against plain loops, all with INT32 indices.
 */
final class IndexChecks {
  /** A repeated index, and every index of a small axis but one. */
  private static final double[] INDICES = {2, 0, 2, 2, 3};

  private IndexChecks() {}

  static void addTo(CheckRunner r) {
    for (DType dtype : DType.values()) {
      indexSelect(r, dtype);
    }
    for (DType dtype : Values.FLOATS) {
      indexAdd(r, dtype);
      oneHot(r, dtype);
    }
  }

  /** One gather or scatter: {outer, axis, inner} and its indices. */
  private record Case(int outer, int axis, int inner, double[] indices) {
    @Override
    public String toString() {
      String shown = indices.length <= 8 ? Arrays.toString(indices)
          : indices.length + " indices";
      return "[" + outer + ", " + axis + ", " + inner + "] at " + shown;
    }
  }

  /** Small cases with repeats, an embedding lookup, no indices, and large ones. */
  private static Case[] cases(Random random) {
    return new Case[] {
        new Case(3, 4, 2, INDICES), new Case(1, 3, 2, new double[] {2, 2, 0}),
        new Case(2, 6, 3, new double[] {5, 0, 0, 3, 5, 1, 5}), new Case(4, 5, 1, new double[0]),
        new Case(2, 5, 0, INDICES), new Case(1, 10, 64, Values.indices(random, 5000, 10)),
        new Case(50, 20, 33, Values.indices(random, 17, 20))};
  }

  private static void indexSelect(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    String name = "indexSelect " + dtype;
    r.check(name, b -> {
      Random random = r.random(name);
      Case[] cases = cases(random);
      for (Case c : cases) {
        double[] src = Values.uniform(random, dtype, c.outer * c.axis * c.inner, -1, 1);
        DeviceBuffer out = b.filled(dtype, (long) c.outer * c.indices.length * c.inner, 7);
        backend.indexSelect(b.upload(dtype, src), c.outer, c.axis, c.inner, b.indices(c.indices),
            out);
        Compare.exact(c.toString(),
            Reference.indexSelect(src, c.outer, c.axis, c.inner, c.indices), b.read(out));
      }
      return cases.length + " gathers exact, repeated indices included";
    });
  }

  private static void indexAdd(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    String name = "indexAdd " + dtype;
    r.check(name, b -> {
      DeviceBuffer triple = b.upload(dtype, 0, 0);
      backend.indexAdd(b.upload(dtype, 1, 2, 4), b.indices(1, 1, 1), triple, 1, 2, 1);
      Compare.exact("three adds into one slot", new double[] {0, 7}, b.read(triple));
      Random random = r.random(name);
      Case[] cases = cases(random);
      for (Case c : cases) {
        double[] src = Values.uniform(random, dtype, c.outer * c.indices.length * c.inner, -1, 1);
        double[] dst = Values.uniform(random, dtype, c.outer * c.axis * c.inner, -1, 1);
        DeviceBuffer d = b.upload(dtype, dst);
        backend.indexAdd(b.upload(dtype, src), b.indices(c.indices), d, c.outer, c.axis, c.inner);
        double[] want = Reference.indexAdd(src, c.indices, dst, c.outer, c.axis, c.inner);
        Compare.close(c.toString(), Values.stored(dtype, want), b.read(d), tolerance(dtype));
      }
      return cases.length + " scatters into dst's contents, repeated indices accumulating, "
          + "within " + tolerance(dtype) + " relative";
    });
  }

  /** A few elementwise roundings per slot, added in any order (a device adds atomically). */
  private static double tolerance(DType dtype) {
    return 4 * Compare.elementwise(dtype);
  }

  private static void oneHot(CheckRunner r, DType dtype) {
    Backend backend = r.backend();
    String name = "oneHot " + dtype;
    r.check(name, b -> {
      Random random = r.random(name);
      double[][] indices = {{2, 0, 3}, {2, 0, 9, 2}, {}, Values.indices(random, 10_000, 37)};
      int[] classes = {4, 10, 5, 37};
      for (int i = 0; i < indices.length; i++) {
        DeviceBuffer out = b.filled(dtype, (long) indices[i].length * classes[i], 7);
        backend.oneHot(b.indices(indices[i]), classes[i], out);
        Compare.exact(indices[i].length + " indices, " + classes[i] + " classes",
            Reference.oneHot(indices[i], classes[i]), b.read(out));
      }
      return indices.length + " encodings exact, stale contents cleared";
    });
  }
}
