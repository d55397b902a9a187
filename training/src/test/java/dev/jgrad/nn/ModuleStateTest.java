package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ModuleState, copy.deepcopy(model.state_dict()) and load_state_dict: a copy of the parameters
 * and BatchNorm's running statistics that later training does not touch, restored bit for bit,
 * outliving the scope it was taken in, refused in one line by another model.
 */
class ModuleStateTest {
  private static Sequential model(int hidden, DType dtype) {
    return Mlp.builder().input(6).hidden(hidden).output(3).batchNorm(true).seed(4).dtype(dtype)
        .build();
  }

  /** A few Adam steps on random data in training mode: parameters and running stats move. */
  private static void train(Module model, Optimizer adam, int steps, long seed) {
    Random r = new Random(seed);
    model.train();
    for (int s = 0; s < steps; s++) {
      try (TensorScope step = TensorScope.open()) {
        Tensor x = Tensor.randn(r, 8, 6);
        int[] labels = new int[8];
        for (int i = 0; i < 8; i++) {
          labels[i] = r.nextInt(3);
        }
        adam.zeroGrad();
        Losses.softmaxCrossEntropyLabels(model.forward(x), Tensor.indices(labels)).backward();
        adam.step();
      }
    }
  }

  private static Map<String, float[]> values(Module model) {
    Map<String, float[]> all = new LinkedHashMap<>();
    model.namedParameters().forEach((n, t) -> all.put(n, t.toFloatArray()));
    model.namedBuffers().forEach((n, t) -> all.put(n, t.toFloatArray()));
    return all;
  }

  private static void assertSameValues(Map<String, float[]> want, Map<String, float[]> got) {
    assertEquals(want.keySet(), got.keySet());
    want.forEach((n, v) -> assertArrayEquals(v, got.get(n), 0f, n));
  }

  @Test
  void restoringPutsBackTheWeightsAndRunningStatisticsOfTheCopy() {
    Sequential model = model(5, DType.FLOAT32);
    Optimizer adam = new Adam(model.namedParameters(), 0.01);
    train(model, adam, 3, 1);
    Map<String, float[]> atCopy = values(model);
    ModuleState best;
    try (TensorScope epoch = TensorScope.open()) { // the copy outlives the scope it is taken in
      best = ModuleState.copyOf(model);
    }
    assertTrue(best.names().containsAll(List.of("0.weight", "1.running_mean",
        "1.num_batches_tracked")), best.names().toString());
    train(model, adam, 3, 2);
    Map<String, float[]> after = values(model);
    assertTrue(!java.util.Arrays.equals(atCopy.get("0.weight"), after.get("0.weight"))
        && !java.util.Arrays.equals(atCopy.get("1.running_mean"), after.get("1.running_mean")),
        "training moved the weights and statistics");
    best.restoreInto(model);
    assertSameValues(atCopy, values(model));
    train(model, adam, 1, 3); // the model trains on from there; the copy stays as it was
    best.restoreInto(model);
    assertSameValues(atCopy, values(model));
    best.close();
    best.close();
    assertTrue(assertThrows(IllegalStateException.class, () -> best.restoreInto(model))
        .getMessage().contains("closed"));
  }

  @Test
  void anotherModelIsRefusedNamingTheTensorAndNothingChanges() {
    Sequential model = model(5, DType.FLOAT32);
    Map<String, float[]> before = values(model);
    try (ModuleState wider = ModuleState.copyOf(model(7, DType.FLOAT32))) {
      String m = assertThrows(IllegalArgumentException.class, () -> wider.restoreInto(model))
          .getMessage();
      assertEquals("restoreInto: '0.weight' is FLOAT32[6, 5] in the model but FLOAT32[6, 7] in "
          + "the copy; copy and restore the same model", m);
    }
    try (ModuleState doubles = ModuleState.copyOf(model(5, DType.FLOAT64))) {
      String m = assertThrows(IllegalArgumentException.class, () -> doubles.restoreInto(model))
          .getMessage();
      assertTrue(m.contains("'0.weight' is FLOAT32[6, 5] in the model but FLOAT64[6, 5]"), m);
    }
    Sequential deeper = Mlp.builder().input(6).hidden(5, 5).output(3).batchNorm(true).seed(4)
        .build();
    try (ModuleState more = ModuleState.copyOf(deeper)) {
      String m = assertThrows(IllegalArgumentException.class, () -> more.restoreInto(model))
          .getMessage();
      assertTrue(m.startsWith("restoreInto: the model has no [") && m.contains("6.weight"), m);
    }
    try (ModuleState fewer = ModuleState.copyOf(model)) {
      String m = assertThrows(IllegalArgumentException.class, () -> fewer.restoreInto(deeper))
          .getMessage();
      assertTrue(m.startsWith("restoreInto: the copy has no [") && m.contains("6.weight"), m);
    }
    assertSameValues(before, values(model));
  }
}
