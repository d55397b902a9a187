package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear exception that names what was wrong, never a wrong answer. */
class BadInputTest {

  private static void assertMessage(Class<? extends Throwable> type, Executable call,
      String... parts) {
    Throwable t = assertThrows(type, call);
    for (String p : parts) {
      assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' lacks '" + p + "'");
    }
  }

  @Test
  void shapeMismatchNamesTheOpAndBothShapes() {
    Tensor a = Tensor.zeros(2, 3);
    Tensor b = Tensor.zeros(4, 5);
    assertMessage(IllegalArgumentException.class, () -> a.add(Tensor.zeros(2, 4)),
        "jgrad::add", "[2, 3]", "[2, 4]");
    assertMessage(IllegalArgumentException.class, () -> a.matmul(b),
        "jgrad::matmul", "[2, 3]", "[4, 5]");
    assertMessage(IllegalArgumentException.class, () -> a.reshape(4, 2),
        "jgrad::reshape", "[2, 3]", "[4, 2]");
    assertMessage(IllegalArgumentException.class, () -> a.sum(2, false), "jgrad::sum", "axis 2");
    assertMessage(IllegalArgumentException.class,
        () -> Losses.meanSquaredError(Tensor.zeros(3), Tensor.zeros(4)), "jgrad::mse", "[3]", "[4]");
    assertMessage(IllegalArgumentException.class,
        () -> Losses.meanSquaredError(Tensor.zeros(3, 1), Tensor.zeros(3)), "jgrad::mse",
        "prediction [3, 1] and target [3]", "target.reshape(3, 1)");
    assertMessage(IllegalArgumentException.class,
        () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)), "jgrad::concat");
  }

  @Test
  void mixedDtypesAreRejected() {
    assertMessage(IllegalArgumentException.class,
        () -> Tensor.zeros(DType.FLOAT32, 2).add(Tensor.zeros(DType.FLOAT64, 2)),
        "jgrad::add", "mixed dtypes", "FLOAT32", "FLOAT64");
  }

  @Test
  void labelsGivenToAOneHotLossArePointedToItsLabelsMethod() {
    Tensor labels = Tensor.indices(new int[] {1, 2});
    assertMessage(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropy(Tensor.zeros(2, 10), labels),
        "softmaxCrossEntropy: targets INT32[2] are class labels", "one-hot rows like [2, 10]",
        "Losses.softmaxCrossEntropyLabels(..., labels), or labels.oneHot(10)");
    assertMessage(IllegalArgumentException.class,
        () -> Losses.crossEntropyError(Tensor.zeros(2, 10), labels),
        "crossEntropyError: targets INT32[2] are class labels", "crossEntropyErrorLabels");
  }

  @Test
  void mixedBackendsAreRejected() {
    dev.jgrad.api.Backend other = new dev.jgrad.cpu.CpuBackendProvider().create();
    Tensor a = Tensor.zeros(2);
    Tensor b = Tensor.zeros(2).to(other);
    assertMessage(IllegalArgumentException.class, () -> a.add(b), "jgrad::add",
        "different backends");
  }

  @Test
  void backwardNeedsAScalarOrAGradientOfTheRightShape() {
    Tensor w = Tensor.ones(2, 2).requiresGrad(true);
    Tensor y = w.mul(3);
    assertMessage(IllegalStateException.class, y::backward, "scalar", "[2, 2]");
    assertMessage(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)),
        "[3]", "[2, 2]");
    assertMessage(IllegalStateException.class, () -> Tensor.ones(1).backward(),
        "does not require grad");
  }

  @Test
  void indexOutOfRangeIsAnError() {
    Tensor m = Tensor.zeros(3, 2);
    assertMessage(IndexOutOfBoundsException.class,
        () -> m.indexSelect(0, Tensor.indices(new int[] {0, 3})), "3");
    assertMessage(IndexOutOfBoundsException.class,
        () -> Tensor.indices(new int[] {5}).oneHot(3, DType.FLOAT32), "5");
    assertMessage(IllegalArgumentException.class, () -> m.slice(0, 2, 2), "jgrad::slice",
        "[2, 4)");
  }

  @Test
  void unknownOpsAndMissingKernelsAreNamed() {
    assertMessage(IllegalArgumentException.class, () -> Ops.call("acme::nothing",
        Tensor.zeros(1)), "unknown op 'acme::nothing'");
    String name = "test::no_kernel_here";
    if (!OpRegistry.global().isDefined(name)) {
      OpRegistry.global().register("BadInputTest", r -> {
        r.define(OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build());
        r.kernel(name, "some-gpu", c -> { });
      });
    }
    assertMessage(UnsupportedOperationException.class, () -> Ops.call(name, Tensor.zeros(1)),
        name, "backend 'cpu'", "some-gpu");
  }

  @Test
  void factoryLengthMismatch() {
    assertMessage(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3), "5",
        "[2, 3]");
  }
}
