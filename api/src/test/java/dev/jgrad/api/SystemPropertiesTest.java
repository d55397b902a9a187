package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SystemPropertiesTest {
  private static final String P = "jgrad.test.systemProperty";

  @AfterEach
  void clear() {
    System.clearProperty(P);
  }

  private static String error(Runnable read) {
    return assertThrows(IllegalArgumentException.class, read::run).getMessage();
  }

  @Test
  void unsetGivesTheDefaultAndAGoodValueIsRead() {
    assertEquals(7, SystemProperties.integer(P, 7, 1));
    assertEquals(7L, SystemProperties.longInteger(P, 7, 0));
    assertEquals(0.25, SystemProperties.number(P, 0.25, 0, 1));
    assertTrue(SystemProperties.flag(P, true));
    System.setProperty(P, " 12 ");
    assertEquals(12, SystemProperties.integer(P, 7, 1));
    assertEquals(12L, SystemProperties.longInteger(P, 7, 12));
    System.setProperty(P, "0.5");
    assertEquals(0.5, SystemProperties.number(P, 0.25, 0, 1));
    System.setProperty(P, "FALSE");
    assertFalse(SystemProperties.flag(P, true));
    System.setProperty(P, "True");
    assertTrue(SystemProperties.flag(P, false));
    System.clearProperty(P);
    assertEquals("b", SystemProperties.choice(P, "b", "a", "b"));
    System.setProperty(P, " A ");
    assertEquals("a", SystemProperties.choice(P, "b", "a", "b"));
  }

  /** With the property set to {@code value}, {@code read} fails with "-D<P>=<value> " + rest. */
  private static void assertBad(String value, String rest, Runnable read) {
    System.setProperty(P, value);
    assertEquals("-D" + P + "=" + value + " " + rest, error(read));
  }

  @Test
  void aBadValueNamesThePropertyTheValueAndWhatItTakes() {
    String integer = "; give a whole number of at least 1, or leave it out for the default (2)";
    assertBad("four", "is not a whole number" + integer, () -> SystemProperties.integer(P, 2, 1));
    assertBad("0", "is below 1" + integer, () -> SystemProperties.integer(P, 2, 1));
    assertBad("3000000000", "is too large; give a whole number from 1 to 2147483647, or leave it "
        + "out for the default (2)", () -> SystemProperties.integer(P, 2, 1));
    String range = "; give a number from 0.0 to 1.0, or leave it out for the default (0.25)";
    assertBad("1.5e", "is not a number" + range, () -> SystemProperties.number(P, 0.25, 0, 1));
    for (String outside : new String[] {"1.01", "-0.5", "NaN", "Infinity"}) {
      assertBad(outside, "is out of range" + range, () -> SystemProperties.number(P, 0.25, 0, 1));
    }
    assertBad("flase", "is not a boolean; give true or false, or leave it out for the default "
        + "(true)", () -> SystemProperties.flag(P, true));
    assertBad("", "is not a boolean; give true or false, or leave it out for the default (false)",
        () -> SystemProperties.flag(P, false));
    assertBad("cublsa", "is not one of the choices; give one of cublas, ptx, or leave it out for "
        + "the default (cublas)", () -> SystemProperties.choice(P, "cublas", "cublas", "ptx"));
  }
}
