package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Module#freeze()} for fine-tuning: a frozen backbone's weights and BatchNorm statistics
 * stay bit-identical through {@link Trainer#fit()}, which calls {@code model.train()} every
 * epoch (a user trial's backbone put in eval() had its running mean moved and its
 * num_batches_tracked go 5 -> 9), while the head trains.
 */
class FreezeTest {
  private static Sequential backbone(Random random) {
    return new Sequential(new Linear(2, 8, random), new BatchNorm1d(8), new ReLU());
  }

  @Test
  void aFrozenBackboneKeepsItsWeightsAndStatisticsThroughFit() throws IOException {
    Random random = new Random(5);
    Sequential features = backbone(random);
    Linear head = new Linear(8, 3, random);
    Sequential model = new Sequential(features, head);
    model.train();
    for (int i = 0; i < 5; i++) { // statistics worth keeping, as a pretrained backbone has
      model.forward(Tensor.randn(random, 16, 2));
    }
    features.freeze();
    Map<String, double[]> before = new LinkedHashMap<>();
    features.namedState().forEach((name, t) -> before.put(name, t.toDoubleArray()));
    double[] headBefore = head.weight().toDoubleArray();

    // the optimizer is given every parameter, frozen ones included, as PyTorch users do
    Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(model.namedParameters(), 0.1, 0.9, 1e-3))
        .train(DataLoader.builder(Blobs.make(64, 1)).batchSize(16).seed(1).build())
        .epochs(2).build().fit();

    features.namedState().forEach((name, t) ->
        assertArrayEquals(before.get(name), t.toDoubleArray(), name + " changed"));
    assertFalse(Arrays.equals(headBefore, head.weight().toDoubleArray()),
        "the head did not train");
    assertFalse(features.isTraining());
    assertTrue(head.isTraining(), "fit() gives the caller's mode back to the rest");
  }

  @Test
  void freezeHoldsEvalModeAndUnfreezeGivesTrainingBack() {
    Sequential features = backbone(new Random(1));
    Sequential model = new Sequential(features, new Linear(8, 2, new Random(2)));
    features.freeze();
    model.train();
    for (Module m : features.namedModules().values()) {
      assertTrue(m.isFrozen());
      assertFalse(m.isTraining(), m.toString());
    }
    features.parameters().forEach(p -> assertFalse(p.requiresGrad()));
    assertFalse(model.isFrozen());
    assertTrue(model.isTraining());

    features.unfreeze();
    features.parameters().forEach(p -> assertTrue(p.requiresGrad()));
    assertFalse(features.namedModules().get("1").isFrozen());
    model.train();
    assertTrue(features.namedModules().get("1").isTraining());
  }
}
