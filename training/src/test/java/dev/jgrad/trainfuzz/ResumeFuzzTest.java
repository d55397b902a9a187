package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Tanh;
import dev.jgrad.optim.schedule.CosineAnnealing;
import dev.jgrad.optim.schedule.ExponentialDecay;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.LearningRateScheduler.Interval;
import dev.jgrad.optim.schedule.StepDecay;
import dev.jgrad.train.ReduceOnPlateau;
import dev.jgrad.train.Trainer;
import dev.jgrad.trainfuzz.OptimizerFuzzTest.Config;
import dev.jgrad.trainfuzz.OptimizerReference.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of checkpoint resumption through the {@link Trainer}: for every optimizer, with
 * random batch sizes, dropLast, schedules (per epoch or per step, with warm-up) or ReduceOnPlateau,
 * gradient clipping, BatchNorm, Dropout and a layer used twice,
 * a run trained k epochs, checkpointed, and resumed into a fresh model and optimizer ends with the
 * same bits (parameters and BatchNorm buffers) as the run that never stopped.
 */
class ResumeFuzzTest {
  private static final int CASES = 24;
  private static final int SAMPLES = 37;

  @TempDir
  Path dir;

  private static Dataset data(long seed, int n) {
    Random r = new Random(seed);
    double[] x = new double[n * 4];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3);
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = r.nextGaussian() + (j == labels[i] ? 2 : 0);
      }
    }
    return Dataset.of(Tensor.of(x, DType.FLOAT32, n, 4), Tensor.indices(labels));
  }

  /** The net of {@code run}, its weights drawn from {@code seed}. */
  private static Sequential net(Run run, long seed) {
    boolean batchNorm = run.batchNorm;
    Random r = new Random(seed);
    List<Module> layers = new ArrayList<>();
    layers.add(new Linear(4, 6, Init.kaimingUniform(), r));
    if (batchNorm) {
      layers.add(new BatchNorm1d(6));
    }
    layers.add(run.config.seed() % 2 == 0 ? new ReLU() : new Tanh());
    if (run.dropout) { // its masks continue where they were
      layers.add(new Dropout(0.3, run.config.seed() * 7 + 3)); // the model's, not the init's
    }
    if (run.shared) { // one layer used twice: its weights listed under two names
      Linear twice = new Linear(6, 6, Init.kaimingUniform(), r);
      layers.add(twice);
      layers.add(new Tanh());
      layers.add(twice);
      layers.add(new Tanh());
    }
    layers.add(new Linear(6, 3, Init.kaimingUniform(), r));
    return new Sequential(layers);
  }

  private record Run(Config config, int epochs, int resumeAt, int batchSize, boolean dropLast,
      boolean batchNorm, LearningRateSchedule schedule, Interval interval,
      ReduceOnPlateau plateau, boolean shared, double clip, boolean dropout) {}

  private static Run draw(int c) {
    Random r = new Random(80_000 + c);
    Config d = Config.draw(80_000 + c);
    Kind kind = Kind.values()[c % Kind.values().length];
    double lr = Math.pow(10, -2.5 + 1.5 * r.nextDouble());
    Config config = new Config(d.seed(), kind, lr, d.momentum(), d.beta1(), d.beta2(), d.eps(),
        d.weightDecay());
    int epochs = 2 + r.nextInt(3);
    LearningRateSchedule schedule = null;
    ReduceOnPlateau plateau = null;
    Interval interval = r.nextBoolean() ? Interval.EPOCH : Interval.STEP;
    switch (r.nextInt(5)) {
      case 0 -> schedule = new StepDecay(1 + r.nextInt(3), 0.5);
      case 1 -> schedule = new ExponentialDecay(0.9);
      case 2 -> schedule = new CosineAnnealing(100, 0).withWarmup(1 + r.nextInt(5), 0.1);
      case 3 -> plateau = new ReduceOnPlateau(0.5, r.nextInt(2));
      default -> { }
    }
    int batchSize = 3 + r.nextInt(12);
    while (SAMPLES % batchSize == 1) { // BatchNorm needs two samples in a batch
      batchSize++;
    }
    return new Run(config, epochs, 1 + r.nextInt(epochs - 1), batchSize,
        r.nextBoolean(), r.nextBoolean(), schedule, interval, plateau, r.nextBoolean(),
        r.nextBoolean() ? 0 : 0.05 + r.nextDouble(), r.nextBoolean());
  }

  private static Trainer.Builder trainer(Run run, Sequential net, int epochs) {
    Trainer.Builder b = Trainer.builder()
        .model(net)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(run.config.make(net.namedParameters()))
        .train(DataLoader.builder(data(1, SAMPLES)).batchSize(run.batchSize).dropLast(run.dropLast)
            .seed(run.config.seed()).build())
        .epochs(epochs);
    if (run.schedule != null) {
      b.schedule(run.schedule, run.interval);
    }
    if (run.clip > 0) {
      b.clipGradients(run.clip);
    }
    if (run.plateau != null) {
      b.validation(data(2, 20)).reduceOnPlateau(run.plateau);
    }
    return b;
  }

  private static List<long[]> state(Sequential net) {
    List<long[]> out = new ArrayList<>();
    for (Map<String, Tensor> m : List.of(net.namedParameters(), net.namedBuffers())) {
      m.values().forEach(t -> out.add(
          Arrays.stream(t.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray()));
    }
    return out;
  }

  @Test
  void aResumedRunEndsWithTheBitsOfOneThatNeverStopped() throws IOException {
    for (int c = 0; c < CASES; c++) {
      Run run = draw(c);
      Sequential straight = net(run, run.config.seed());
      trainer(run, straight, run.epochs).build().fit();

      Path file = dir.resolve("case" + c + ".safetensors");
      Sequential first = net(run, run.config.seed());
      trainer(run, first, run.resumeAt).checkpointTo(file).build().fit();
      Sequential resumed = net(run, run.config.seed() + 1); // other initial weights
      Trainer second = trainer(run, resumed, run.epochs).build().resumeFrom(file);
      assertEquals(run.resumeAt, second.completedEpochs(), run.toString());
      second.fit();

      List<long[]> a = state(straight);
      List<long[]> b = state(resumed);
      List<String> names = new ArrayList<>(straight.namedParameters().keySet());
      names.addAll(straight.namedBuffers().keySet());
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), run + ": " + names.get(i) + " differs after "
            + "resuming at epoch " + run.resumeAt);
      }
    }
  }
}
