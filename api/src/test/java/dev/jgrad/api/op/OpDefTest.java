package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An op's input dtype rules: one data dtype, INT32 index inputs, inputs of their own dtype. */
class OpDefTest {
  private static final TensorSpec F32 = new TensorSpec(Shape.of(3), DType.FLOAT32);
  private static final TensorSpec F64 = new TensorSpec(Shape.of(1), DType.FLOAT64);

  @Test
  void anOwnDtypeInputIsLeftToTheShapeRuleAndTheOthersShareOne() {
    OpDef own = OpDef.builder("test::own").arity(2).ownDtypeInputs(1)
        .shapeRule((in, a) -> in.get(0)).build();
    assertEquals(F32, own.infer(List.of(F32, F64), Attrs.of()));
    OpDef plain = OpDef.builder("test::plain").arity(2).shapeRule((in, a) -> in.get(0)).build();
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> plain.infer(List.of(F32, F64), Attrs.of()));
    assertEquals("test::plain: mixed dtypes FLOAT32[3] and FLOAT64[1]; convert one with "
        + "to(DType)", mixed.getMessage());
  }

  @Test
  void declaredAttributesRefuseAMisspeltName() {
    OpDef swish = OpDef.builder("test::swish").attributes("beta")
        .shapeRule((in, a) -> in.get(0)).build();
    assertEquals(F32, swish.infer(List.of(F32), Attrs.of("beta", 1.5)));
    assertEquals(F32, swish.infer(List.of(F32), Attrs.empty()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> swish.infer(List.of(F32), Attrs.of("betta", 1.5)));
    assertEquals("test::swish: unknown attribute 'betta'; it takes [beta]", e.getMessage());
    OpDef undeclared = OpDef.builder("test::any").shapeRule((in, a) -> in.get(0)).build();
    assertEquals(F32, undeclared.infer(List.of(F32), Attrs.of("betta", 1.5)));
  }

  @Test
  void anAttributeErrorInTheShapeRuleNamesTheOp() {
    OpDef huber = OpDef.builder("test::huber").attributes("delta").shapeRule((in, a) -> {
      a.getDouble("delta");
      return in.get(0);
    }).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> huber.infer(List.of(F32), Attrs.of("delta", "1.0")));
    assertEquals("test::huber: attribute 'delta' must be a number, got the String \"1.0\"",
        e.getMessage());
  }

  @Test
  void ownDtypeInputsOutsideTheArityOrAlsoIndexInputsAreRefused() {
    IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
        () -> OpDef.builder("test::beyond").arity(2).ownDtypeInputs(2)
            .shapeRule((in, a) -> in.get(0)).build());
    assertEquals("test::beyond: ownDtypeInputs names input 2, but the op takes 2 input(s)",
        beyond.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> OpDef.builder("test::both").arity(2).indexInputs(1).ownDtypeInputs(1)
            .shapeRule((in, a) -> in.get(0)).build());
    assertEquals("test::both: input 1 is both an index input (INT32) and one of its own dtype; "
        + "name it in one of indexInputs and ownDtypeInputs", both.getMessage());
  }
}
