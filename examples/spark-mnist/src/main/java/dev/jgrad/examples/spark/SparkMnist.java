package dev.jgrad.examples.spark;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.MnistFiles;
import dev.jgrad.nn.Mlp;
import dev.jgrad.optim.Sgd;
import dev.jgrad.spark.LabeledSample;
import dev.jgrad.spark.LabeledSamples;
import dev.jgrad.spark.ModelFactory;
import dev.jgrad.spark.SparkRequirement;
import dev.jgrad.spark.SparkTrainer;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Trains the MNIST MLP (784-100-10, SGD) data-parallel on Spark, on the embedded 8,000 / 2,000
 * split that every executor loads from this jar; writes metrics.csv, rounds.csv, training.png
 * and checkpoint.safetensors to {@code --out}. Local mode by default ({@code run.sh}); on a
 * cluster, through spark-submit, where {@code --master} comes from spark-submit.
 *
 * <pre>
 * examples/spark-mnist/run.sh --partitions 2 --epochs 2
 * options: --master M (default: spark-submit's, else local[2]) --partitions N (2) --epochs N (2)
 *          --rounds N (instead of epochs) --local-steps N (1) --batch N (50, per partition)
 *          --lr X (0.5) --barrier --out DIR (out/spark-mnist) --resume FILE
 * </pre>
 */
public final class SparkMnist {
  private SparkMnist() {}

  public static void main(String[] args) throws Exception {
    SparkRequirement.check(); // one sentence, not a NoClassDefFoundError, without Spark
    Map<String, String> o = options(args);
    SparkConf conf = new SparkConf().setAppName("jgrad spark-mnist");
    if (o.containsKey("master") || !conf.contains("spark.master")) {
      conf.setMaster(o.getOrDefault("master", "local[2]"));
    }
    int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
    double lr = Double.parseDouble(o.getOrDefault("lr", "0.5"));
    Path out = Path.of(o.getOrDefault("out", "out/spark-mnist"));
    ModelFactory mlp = () -> Mlp.builder().input(784).hidden(100).output(10).seed(42).build();
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      JavaRDD<LabeledSample> train = LabeledSamples.loadedOnExecutors(jsc, partitions,
          () -> MnistFiles.loadResources("/mnist/").train());
      SparkTrainer.Builder b = SparkTrainer.builder().model(mlp)
          .optimizer(params -> new Sgd(params, lr))
          .loss(Losses::softmaxCrossEntropyLabels)
          .data(train)
          .batchSize(Integer.parseInt(o.getOrDefault("batch", "50")))
          .localSteps(Integer.parseInt(o.getOrDefault("local-steps", "1")))
          .barrier(o.containsKey("barrier"))
          .seed(42)
          .test(Dataset.ofImages(MnistFiles.loadResources("/mnist/").test()), 0)
          .reportTo(out, "MNIST MLP on Spark, " + partitions + " partitions")
          .checkpointTo(out.resolve("checkpoint.safetensors"), 20); // logs a line per round
      if (o.containsKey("rounds")) {
        b.rounds(Integer.parseInt(o.get("rounds")));
      } else {
        b.epochs(Integer.parseInt(o.getOrDefault("epochs", "2")));
      }
      SparkTrainer trainer = b.build();
      if (o.containsKey("resume")) {
        trainer.resumeFrom(Path.of(o.get("resume")));
      }
      MetricsHistory history = trainer.fit();
      EpochMetrics last = history.last();
      System.out.printf(Locale.ROOT, "%d rounds on %s: test accuracy %.2f%%; outputs in %s%n",
          history.size(), jsc.master(), 100 * last.testAccuracy(), out);
    }
  }

  /** {@code --name value} pairs; {@code --barrier} alone. */
  private static Map<String, String> options(String[] args) {
    List<String> known = List.of("master", "partitions", "epochs", "rounds", "local-steps",
        "batch", "lr", "barrier", "out", "resume");
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: --"
            + String.join(", --", known));
      }
      if (name.equals("barrier")) {
        o.put(name, "true");
      } else if (i + 1 < args.length) {
        o.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
    }
    return o;
  }
}
