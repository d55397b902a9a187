package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.UnaryOp;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The built-in vocabulary: names are unique, and the activation attribute parses both ways. */
class VocabularyTest {
  @Test
  void opNamesAreDistinctAndInJgradsNamespace() throws IllegalAccessException {
    List<String> names = constants(OpNames.class);
    assertTrue(names.size() > 40, "found the constants: " + names);
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      assertTrue(seen.add(n), "op name given twice: " + n);
      assertTrue(n.startsWith("jgrad::"), n);
    }
  }

  @Test
  void attrKeysAreDistinct() throws IllegalAccessException {
    List<String> keys = constants(AttrKeys.class);
    assertEquals(keys.size(), new HashSet<>(keys).size(), "an attribute key given twice: " + keys);
  }

  @ParameterizedTest
  @EnumSource(FusedActivation.class)
  void fusedActivationRoundTripsThroughItsAttribute(FusedActivation a) {
    assertSame(a, FusedActivation.parse(a.attrValue()));
    assertSame(a, FusedActivation.of(Attrs.of(AttrKeys.ACTIVATION, a.attrValue())));
  }

  @Test
  void fusedActivationsMapToTheirPrimitive() {
    assertNull(FusedActivation.IDENTITY.unaryOp(), "identity adds the bias only");
    assertEquals(UnaryOp.RELU, FusedActivation.RELU.unaryOp());
    assertEquals(UnaryOp.SIGMOID, FusedActivation.SIGMOID.unaryOp());
    assertEquals(UnaryOp.TANH, FusedActivation.TANH.unaryOp());
  }

  @Test
  void anUnknownOrMissingActivationIsNamedWithTheChoices() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> FusedActivation.parse("softplus"));
    assertEquals("jgrad::bias_activation: unknown activation 'softplus'; it fuses identity, relu,"
        + " sigmoid, tanh", bad.getMessage());
    IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
        () -> FusedActivation.parse("RELU"));
    assertTrue(upper.getMessage().contains("'RELU'"), upper.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> FusedActivation.of(Attrs.empty()));
    assertEquals("jgrad::bias_activation: missing attribute 'activation'; give one of identity,"
        + " relu, sigmoid, tanh", missing.getMessage());
  }

  /** The values of a class's public static final String fields. */
  private static List<String> constants(Class<?> c) throws IllegalAccessException {
    List<String> values = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)
          && f.getType() == String.class) {
        values.add((String) f.get(null));
      }
    }
    return values;
  }
}
