package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttrsTest {
  @Test
  void valuesByNameWithDefaultsForAbsentOnes() {
    int[] kernel = {3, 3};
    Attrs a = Attrs.of("axis", 1, "alpha", 0.5, "keepDims", true, "kernel", kernel, "mode", "max",
        "seed", 7L);
    assertEquals(1, a.getInt("axis"));
    assertEquals(0.5, a.getDouble("alpha"));
    assertTrue(a.getBoolean("keepDims", false));
    assertEquals("max", a.getString("mode"));
    assertEquals(7L, a.getLong("seed"));
    assertArrayEquals(kernel, a.getInts("kernel"));
    assertEquals(0.01, a.getDouble("slope", 0.01));
    assertEquals(4, a.getInt("groups", 4));
    assertFalse(a.getBoolean("ceil", false));
    assertTrue(a.has("axis"));
    assertFalse(a.has("Axis"));
    assertFalse(Attrs.empty().has("axis"));
    kernel[0] = 9; // the caller's array was copied, and so is what a getter hands out
    a.getInts("kernel")[1] = 9;
    assertArrayEquals(new int[] {3, 3}, a.getInts("kernel"));
  }

  @Test
  void asMapAndToStringKeepTheOrderGiven() {
    Attrs a = Attrs.of("b", 2, "a", new int[] {1, 2}, "c", false);
    Map<String, Object> map = a.asMap();
    assertEquals(List.of("b", "a", "c"), List.copyOf(map.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> map.put("d", 1));
    assertEquals("{b=2, a=[1, 2], c=false}", a.toString());
    assertEquals("{}", Attrs.empty().toString());
    assertTrue(Attrs.empty().asMap().isEmpty());
  }

  @Test
  void badArgumentsAndLookupsNameWhatWasWrong() {
    assertEquals("Attrs.of takes name, value pairs; got 3 arguments",
        assertThrows(IllegalArgumentException.class, () -> Attrs.of("a", 1, "b")).getMessage());
    assertEquals("attribute name at position 2 must be a String, got 5",
        assertThrows(IllegalArgumentException.class, () -> Attrs.of("a", 1, 5, 2)).getMessage());
    assertEquals("attribute 'a' is null",
        assertThrows(NullPointerException.class, () -> Attrs.of("a", null)).getMessage());
    assertEquals("attribute 'a' given twice",
        assertThrows(IllegalArgumentException.class, () -> Attrs.of("a", 1, "a", 2))
            .getMessage());
    Attrs a = Attrs.of("axis", 1, "flag", "yes");
    assertEquals("missing attribute 'alpha'; attributes given: [axis, flag]",
        assertThrows(IllegalArgumentException.class, () -> a.getDouble("alpha")).getMessage());
    assertEquals("attribute 'flag' must be a boolean, got the String \"yes\"",
        assertThrows(IllegalArgumentException.class, () -> a.getBoolean("flag", true))
            .getMessage());
    assertEquals("attribute 'flag' must be a number, got the String \"yes\"",
        assertThrows(IllegalArgumentException.class, () -> a.getInt("flag")).getMessage());
    // a number given as text reads as the number itself unless its type is said
    assertEquals("attribute 'delta' must be a number, got the String \"1.0\"",
        assertThrows(IllegalArgumentException.class, () -> Attrs.of("delta", "1.0")
            .getDouble("delta")).getMessage());
    assertEquals("attribute 'axis' must be a String, got the Integer 1",
        assertThrows(IllegalArgumentException.class, () -> a.getString("axis")).getMessage());
    assertEquals("attribute 'k' must be a long, got the Double 1.5",
        assertThrows(IllegalArgumentException.class, () -> Attrs.of("k", 1.5).getLong("k"))
            .getMessage());
  }

  /**
   * Reads of the right type build no error words: every op call of a training step reads its
   * attributes (matmul's flags, a reduction's), and describing the value eagerly, as
   * checkArgument's arguments did, allocated a message per read (about 60 bytes) and kept
   * string code hot for the JIT. 20,000 reads stay far below one message each.
   */
  @Test
  void readingAnAttributeOfTheRightTypeBuildsNoMessage() {
    Attrs a = Attrs.of("transA", true, "name", "x", "k", 3L, "axis", 1, "alpha", 0.5);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (int warm = 0; warm < 2; warm++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 4_000; i++) {
        sum += a.getBoolean("transA", false) ? 1 : 0;
        sum += a.getString("name").length();
        sum += a.getLong("k") + a.getInt("axis") + (long) a.getDouble("alpha");
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      if (warm == 1) {
        assertTrue(allocated < 100_000, allocated + " bytes allocated by 20,000 reads");
      }
    }
    assertEquals(4_000L * 2 * (1 + 1 + 3 + 1), sum);
  }
}
