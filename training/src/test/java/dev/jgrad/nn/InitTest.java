package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Init's factories: names for experiment labels and error messages. */
class InitTest {
  @Test
  void initializersPrintTheirNames() {
    assertEquals("he", Init.he().toString());
    assertEquals("xavier", Init.xavier().toString());
    assertEquals("glorot", Init.glorot().toString());
    assertEquals("normal(0.01)", Init.normal(0.01).toString());
    assertEquals("kaimingUniform", Init.kaimingUniform().toString());
  }
}
