package dev.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.MnistDataset;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Sgd;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel run reaches the single-machine accuracy on the embedded MNIST split (8,000
 * training and 2,000 test images): the same MLP and SGD, the single machine on batches of 100,
 * Spark on two partitions of batches of 50 (the same global batch) with one local step a round.
 */
class SparkMnistAccuracyTest {
  private static final int EPOCHS = 2;
  private static final ModelFactory MLP =
      () -> Mlp.builder().input(784).hidden(100).output(10).seed(42).build();

  @Test
  void dataParallelAccuracyIsWithinHalfAPointOfSingleMachine() throws IOException {
    MnistDataset mnist = MnistFiles.loadResources("/mnist/");
    Dataset test = Dataset.ofImages(mnist.test());

    Sequential single = (Sequential) MLP.create();
    MetricsHistory alone = Trainer.builder().model(single)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Sgd(single.namedParameters(), 0.5))
        .train(DataLoader.builder(Dataset.ofImages(mnist.train())).batchSize(100).seed(42)
            .build())
        .test(test).epochs(EPOCHS).build().fit();
    double singleAccuracy = alone.last().testAccuracy();

    JavaSparkContext jsc = LocalSpark.start("SparkMnistAccuracyTest");
    try {
      SparkTrainer spark = SparkTrainer.builder().model(MLP)
          .optimizer(params -> new Sgd(params, 0.5))
          .loss(Losses::softmaxCrossEntropyLabels)
          .data(LabeledSamples.loadedOnExecutors(jsc, 2,
              () -> MnistFiles.loadResources("/mnist/").train()))
          .batchSize(50).localSteps(1).epochs(EPOCHS).seed(42)
          .test(test, 0)
          .build();
      MetricsHistory rounds = spark.fit();
      assertEquals(EPOCHS * 80, rounds.size(), "4,000 samples a partition: 80 rounds an epoch");
      double sparkAccuracy = rounds.last().testAccuracy();
      assertTrue(singleAccuracy > 0.9, "the single-machine run learns: " + singleAccuracy);
      assertTrue(Math.abs(sparkAccuracy - singleAccuracy) <= 0.005, String.format(
          "Spark %.4f vs single machine %.4f", sparkAccuracy, singleAccuracy));
      System.out.printf("MNIST test accuracy: single machine %.4f, Spark (2 partitions) %.4f%n",
          singleAccuracy, sparkAccuracy);
    } finally {
      jsc.stop();
    }
  }
}
