package dev.jgrad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {
  @Test
  void broadcastingFollowsNumPy() {
    assertEquals(Shape.of(100, 10), Shape.broadcast(Shape.of(100, 10), Shape.of(10), "add"));
    assertEquals(Shape.of(4, 5), Shape.broadcast(Shape.of(4, 1), Shape.of(1, 5), "add"));
    assertEquals(Shape.of(2, 3, 4), Shape.broadcast(Shape.of(2, 3, 4), Shape.of(3, 1), "add"));
    assertEquals(Shape.of(2, 2), Shape.broadcast(Shape.scalar(), Shape.of(2, 2), "mul"));
  }

  @Test
  void incompatibleShapesNameTheOpAndBothShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4), "jgrad::add"));
    assertTrue(e.getMessage().contains("jgrad::add: shapes [2, 3] and [4]"), e.getMessage());
  }

  @Test
  void sizesAxesAndEdits() {
    Shape s = Shape.of(2, 3, 4);
    assertEquals(24, s.size());
    assertEquals(4, s.dim(-1));
    assertEquals(2, s.outer(1));
    assertEquals(4, s.inner(1));
    assertEquals(Shape.of(2, 4), s.without(1));
    assertEquals(Shape.of(2, 1, 4), s.withDim(1, 1));
    assertEquals(1, Shape.scalar().size());
    assertThrows(IllegalArgumentException.class, () -> s.normalizeAxis(3));
    assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
  }
}
