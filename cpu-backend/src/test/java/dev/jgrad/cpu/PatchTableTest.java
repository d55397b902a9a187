package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jgrad.api.op.Conv2dGeometry;
import org.junit.jupiter.api.Test;

/**
 * The pooling tables are cached by what shapes a plane's windows (size, window, stride,
 * padding), not by batch or channel counts: an equal geometry gets the same table back, and a
 * change to any one of those fields a table of its own, built for it.
 */
class PatchTableTest {
  @Test
  void aTableIsSharedByEqualGeometriesOnly() {
    int[] base = {8, 9, 2, 3, 2, 1, 0, 1}; // h, w, kh, kw, sh, sw, ph, pw
    int[] table = PatchTable.pool(geometry(2, 3, base));
    assertSame(table, PatchTable.pool(geometry(5, 7, base)), "same windows, other n and c");
    for (int field = 0; field < base.length; field++) {
      int[] changed = base.clone();
      changed[field] += 1;
      Conv2dGeometry g = geometry(2, 3, changed);
      int[] other = PatchTable.pool(g);
      assertNotSame(table, other, "field " + field + " changed");
      assertSame(other, PatchTable.pool(geometry(2, 3, changed)), "field " + field);
      PatchTable.pool(geometry(2, 3, base)); // back in the cache, whatever happened to it
    }
    assertArrayEquals(table, PatchTable.pool(geometry(1, 1, base)));
  }

  /** n samples of c channels, windows as given ({h, w, kh, kw, sh, sw, ph, pw}), 4 outputs. */
  private static Conv2dGeometry geometry(int n, int c, int[] v) {
    int oh = (v[0] + 2 * v[6] - v[2]) / v[4] + 1;
    int ow = (v[1] + 2 * v[7] - v[3]) / v[5] + 1;
    return new Conv2dGeometry(n, c, v[0], v[1], 4, v[2], v[3], v[4], v[5], v[6], v[7], oh, ow);
  }
}
