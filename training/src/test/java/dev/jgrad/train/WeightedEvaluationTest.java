package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.CrossEntropyOptions;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.report.MetricsHistory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A class-weighted cross-entropy's held-out loss is the whole set's for any evaluation batch
 * size (a user trial found 1.29889 for the full set, 1.30135 at batch 300, 1.28515 at batch 64,
 * when each batch's mean was weighted by its size).
 */
class WeightedEvaluationTest {
  /** Imbalanced labels, 90% / 8% / 2%, as the trial's. */
  private static Dataset imbalanced(int n) {
    Random r = new Random(11);
    float[] x = new float[n * 6];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      y[i] = u < 0.9 ? 0 : u < 0.98 ? 1 : 2;
      for (int j = 0; j < 6; j++) {
        x[6 * i + j] = (float) (r.nextGaussian() + (j == y[i] ? 1 : 0));
      }
    }
    return Dataset.of(Tensor.of(x, n, 6), Tensor.indices(y));
  }

  private static final CrossEntropyOptions WEIGHTED =
      CrossEntropyOptions.defaults().weight(1 / 0.9, 1 / 0.08, 1 / 0.02);

  @Test
  void theHeldOutLossOfAWeightedOrIgnoringLossDoesNotDependOnTheBatchSize() {
    Dataset d = imbalanced(1000);
    Sequential m = Mlp.builder().input(6).hidden(16).output(3).seed(5).build();
    for (CrossEntropyOptions o : new CrossEntropyOptions[] {WEIGHTED, WEIGHTED.ignoreIndex(2),
        CrossEntropyOptions.defaults().ignoreIndex(0)}) {
      double full;
      try (Module.EvalScope eval = Module.evalScope(); NoGrad ng = NoGrad.scope()) {
        full = Losses.crossEntropy(m.forward(d.inputs()), d.targets(), o).item();
      }
      LossFunction loss = LossFunction.crossEntropy(o);
      for (int batch : new int[] {1000, 300, 64, 7}) {
        assertEquals(full, Evaluator.evaluate(m, d, loss, batch).loss(), 1e-5,
            o + " at batch " + batch);
      }
    }
  }

  @Test
  void theTrainerTakesItAsAClassificationLoss() throws Exception {
    Dataset d = imbalanced(256);
    Sequential m = Mlp.builder().input(6).hidden(8).output(3).seed(2).build();
    MetricsHistory h = Trainer.builder().model(m).loss(LossFunction.crossEntropy(WEIGHTED
        .labelSmoothing(0.1))).optimizer(new Sgd(m.namedParameters(), 0.1))
        .train(DataLoader.builder(d).batchSize(32).seed(1).build()).test(d).evalBatchSize(50)
        .epochs(2).build().fit();
    assertTrue(Double.isFinite(h.last().testLoss()) && h.last().testAccuracy() > 0,
        h.last().toString());
    assertTrue(LossFunction.crossEntropy(WEIGHTED).isClassification());
    assertTrue(LossFunction.classification(LossFunction.crossEntropy(WEIGHTED))
        .meanWeight(Tensor.zeros(2, 3), Tensor.indices(new int[] {0, 1})) != null,
        "the classification wrapper passes the weight on");
  }
}
