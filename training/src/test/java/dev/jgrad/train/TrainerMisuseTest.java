package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trainer set-ups that would silently train nothing or lose an output now fail at build(). */
class TrainerMisuseTest {
  @TempDir
  Path dir;

  private static Trainer.Builder base(Sequential model, Sequential optimized) {
    return Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(optimized.namedParameters(), 0.1))
        .train(DataLoader.builder(Blobs.make(30, 1)).batchSize(10).build()).epochs(1);
  }

  private static Sequential mlp(long seed) {
    return Mlp.builder().input(2).hidden(4).output(3).seed(seed).build();
  }

  @Test
  void anOptimizerOfAnotherModelIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> base(mlp(1), mlp(2)).build());
    assertEquals("the optimizer updates none of the model's parameters (0.weight, 0.bias, "
        + "2.weight, 2.bias): it was built on another model's; build it from this model's "
        + "namedParameters()", e.getMessage());
  }

  /** Frozen layers: the optimizer holds some of the model's parameters; those train. */
  @Test
  void anOptimizerOfSomeOfTheModelsParametersIsAllowed() throws java.io.IOException {
    Sequential model = mlp(1);
    Map<String, dev.jgrad.autograd.Tensor> last = Map.of("2.weight",
        model.namedParameters().get("2.weight"));
    double[] first = model.namedParameters().get("0.weight").toDoubleArray();
    double[] trained = model.namedParameters().get("2.weight").toDoubleArray();
    Trainer.builder().model(model).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(last, 0.1))
        .train(DataLoader.builder(Blobs.make(30, 1)).batchSize(10).build()).epochs(1).build()
        .fit();
    org.junit.jupiter.api.Assertions.assertArrayEquals(first,
        model.namedParameters().get("0.weight").toDoubleArray(), "frozen");
    assertTrue(!java.util.Arrays.equals(trained,
        model.namedParameters().get("2.weight").toDoubleArray()), "trained");
  }

  @Test
  void aScheduleReachingARateOfZeroIsRefusedBeforeTraining() {
    Sequential model = mlp(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> base(model, model)
        .epochs(3).schedule(new dev.jgrad.optim.schedule.CosineAnnealing(2, 0),
            dev.jgrad.optim.schedule.LearningRateScheduler.Interval.EPOCH).build());
    assertEquals("CosineAnnealing[period=2, minRate=0.0] gives the learning rate 0.0 at epoch 2 "
        + "(counted from 0) of the 3 this run takes (base 0.1); an optimizer needs a positive "
        + "rate: give the schedule a longer period or a minimum rate above 0", e.getMessage());
    base(model, model).epochs(2).schedule(new dev.jgrad.optim.schedule.CosineAnnealing(2, 0),
        dev.jgrad.optim.schedule.LearningRateScheduler.Interval.EPOCH).build();
  }

  @Test
  void twoOutputsWritingOneFileAreRefused() {
    Sequential model = mlp(1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> base(model, model).csvTo(dir.resolve("x")).checkpointTo(dir.resolve("x")).build());
    assertEquals("csvTo and checkpointTo both write " + dir.resolve("x").toAbsolutePath()
        .normalize() + "; give each output its own file", e.getMessage());
    IllegalStateException chart = assertThrows(IllegalStateException.class,
        () -> base(model, model).csvTo(dir.resolve("m.csv"))
            .chartTo(dir.resolve("sub/../m.csv"), "t").build());
    assertTrue(chart.getMessage().startsWith("csvTo and chartTo both write "), chart.getMessage());
  }
}
