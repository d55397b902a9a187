package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Built-in ops declare their attributes, as plugin ops may: a misspelt one is an error naming the
 * op, the attribute and the ones it takes, where it used to be ignored and its default used.
 */
class BuiltinAttributesTest {
  private static final Tensor X = Tensor.of(new double[] {1, -2, 3, 4}, 2, 2);

  @Test
  void aMisspeltOptionalAttributeFailsInsteadOfMeaningItsDefault() {
    // "keepdims" for keepDims: the sum lost its axis in silence, [2] instead of [1, 2]
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(OpNames.SUM, Attrs.of(AttrKeys.AXES, new int[] {0}, "keepdims", true), X));
    assertEquals("jgrad::sum: unknown attribute 'keepdims'; it takes [axes, keepDims]",
        e.getMessage());
    assertArrayEquals(new int[] {1, 2}, Ops.call(OpNames.SUM,
        Attrs.of(AttrKeys.AXES, new int[] {0}, AttrKeys.KEEP_DIMS, true), X).shape().dims());
  }

  @Test
  void aMisspeltAttributeOfAnOpThatTakesNoneSaysSo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(OpNames.MATMUL, Attrs.of("transa", true), X, X));
    assertEquals("jgrad::matmul: unknown attribute 'transa'; it takes [transA, transB]",
        e.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> Ops.call(OpNames.RELU, Attrs.of("alpha", 0.1), X));
    assertEquals("jgrad::relu: unknown attribute 'alpha'; it takes none", none.getMessage());
  }

  @Test
  void everyBuiltinOpDeclaresItsAttributes() {
    List<String> undeclared = OpRegistry.global().ops().stream()
        .filter(op -> op.startsWith("jgrad::"))
        .filter(op -> OpRegistry.global().definition(op).declaredAttributes().isEmpty())
        .toList();
    assertEquals(List.of(), undeclared);
    assertTrue(OpRegistry.global().ops().size() > 50, OpRegistry.global().ops().toString());
  }
}
