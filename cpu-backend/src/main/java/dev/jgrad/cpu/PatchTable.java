package dev.jgrad.cpu;

import dev.jgrad.api.op.Conv2dGeometry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each entry of a pooling's windows comes from: for one channel plane, the offset in the
 * input of every window entry, or -1 where the window covers padding, so the general pooling loops
 * need no index arithmetic per entry (convolutions copy row runs instead, {@link Im2col}). Tables
 * are plain int arrays computed here (no index tensor), cached per geometry: a network has few,
 * and they stay in cache across a batch.
 */
final class PatchTable {
  /** More geometries than a network uses: past this the cache starts again. */
  private static final int MAX_CACHED = 64;
  private static final ConcurrentHashMap<Key, int[]> POOL = new ConcurrentHashMap<>();

  private record Key(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
    static Key of(Conv2dGeometry g, int c) {
      return new Key(c, g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw());
    }

    // Written out: a record's own equals and hashCode are bootstrapped through method handles
    // on first use, 20-60 ms of a cold JVM inside the first training step of a CNN.
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && c == k.c && h == k.h && w == k.w && kh == k.kh && kw == k.kw
          && sh == k.sh && sw == k.sw && ph == k.ph && pw == k.pw;
    }

    @Override
    public int hashCode() {
      int r = 31 * c + h;
      r = 31 * r + w;
      r = 31 * r + kh;
      r = 31 * r + kw;
      r = 31 * r + sh;
      r = 31 * r + sw;
      r = 31 * r + ph;
      return 31 * r + pw;
    }
  }

  private PatchTable() {}

  /**
   * The windows of one plane, {@code [oh * ow, kh * kw]} row-major: entry {@code (pos, k)} is
   * the offset in the plane {@code [h, w]} of entry {@code k = (i, j)} of window {@code pos}, or
   * -1. Window by window, the layout pooling reads.
   */
  static int[] pool(Conv2dGeometry g) {
    return cached(POOL, Key.of(g, 1), () -> {
      int[] rows = build(g, 1);
      int window = g.kh() * g.kw();
      int plane = g.outPlane();
      int[] t = new int[rows.length];
      for (int k = 0; k < window; k++) {
        for (int pos = 0; pos < plane; pos++) {
          t[pos * window + k] = rows[k * plane + pos];
        }
      }
      return t;
    });
  }

  private static int[] cached(ConcurrentHashMap<Key, int[]> cache, Key key,
      java.util.function.Supplier<int[]> make) {
    int[] t = cache.get(key);
    if (t == null) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      t = make.get();
      cache.put(key, t);
    }
    return t;
  }

  private static int[] build(Conv2dGeometry g, int channels) {
    int plane = g.outPlane();
    int[] t = new int[channels * g.kh() * g.kw() * plane];
    int row = 0;
    for (int ch = 0; ch < channels; ch++) {
      for (int i = 0; i < g.kh(); i++) {
        for (int j = 0; j < g.kw(); j++, row++) {
          for (int y = 0; y < g.oh(); y++) {
            int yy = y * g.sh() - g.ph() + i;
            for (int x = 0; x < g.ow(); x++) {
              int xx = x * g.sw() - g.pw() + j;
              boolean inside = yy >= 0 && yy < g.h() && xx >= 0 && xx < g.w();
              t[row * plane + y * g.ow() + x] = inside ? (ch * g.h() + yy) * g.w() + xx : -1;
            }
          }
        }
      }
    }
    return t;
  }
}
