package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.train.ChartListener;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.Evaluator;
import dev.jgrad.train.HistoryMetadata;
import dev.jgrad.train.LossFunction;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Trains a model data-parallel on Apache Spark: synchronous rounds of parameter averaging. Each
 * round the driver broadcasts the parameters (and buffers) and the optimizer's state as flat
 * arrays (FLOAT32 tensors as floats, FLOAT64 ones as doubles); every partition starts from them,
 * trains {@code localSteps} mini-batches of its own samples, and the driver averages the
 * resulting parameters and optimizer state, weighted by the samples each partition trained on,
 * with {@code treeAggregate}. With one local step and
 * plain SGD a round is exactly one step of synchronous data-parallel SGD on the global batch
 * (every partition's batch together); more local steps communicate less often (local SGD).
 *
 * <pre>{@code
 * SparkTrainer trainer = SparkTrainer.builder()
 *     .model(() -> Mlp.builder().input(784).hidden(100).output(10).seed(42).build())
 *     .optimizer(params -> new Sgd(params, 0.1))
 *     .loss(Losses::softmaxCrossEntropyLabels)
 *     .data(samples)                        // JavaRDD<LabeledSample>, one shard per partition
 *     .batchSize(50).localSteps(1).epochs(5).seed(42)
 *     .test(testSet)                        // evaluated on the driver
 *     .reportTo(Path.of("out/spark"), "MNIST on Spark")
 *     .checkpointTo(Path.of("out/spark/checkpoint.safetensors"), 10)
 *     .build();
 * MetricsHistory history = trainer.fit();   // one row per round
 * }</pre>
 *
 * <p>The samples are {@link LabeledSample}s (class labels, a classification loss) or
 * {@link RegressionSample}s (float targets, a regression loss such as
 * {@code Losses::meanSquaredError}), one kind per run; a mismatch with the loss fails before the
 * first round. Features, and regression targets, are floats; a FLOAT64 model trains on them
 * converted to doubles. Accuracy is reported for classification only.
 *
 * <p>The samples are packed once into one flat shard per partition and cached on the executors
 * (memory, then disk); a round ships only the parameters, both ways. The model and optimizer
 * factories run on every executor; each checks that its model's parameter names, shapes and
 * dtypes are the driver's, and a mismatch fails the run naming the tensor, never averaging
 * unrelated numbers. Empty partitions train nothing and weigh nothing; data with no sample at all
 * fails.
 * A failed task is retried by Spark ({@code spark.task.maxFailures}); since every task of a round
 * starts from the broadcast state and its batches follow from the seed, the retry computes what
 * the first attempt would have. {@link Builder#barrier} runs each round as a barrier stage (all
 * tasks at once, and a failure restarts the whole round).
 *
 * <p>Reports say rounds: the log (a line per round, at INFO, with the epoch it falls in:
 * samples trained on over the training set's size), metrics.csv and the chart of
 * {@link Builder#reportTo} (a row per round, its {@code epoch} column that epoch, then
 * {@code round}; the chart's axis "round"). {@link TrainingListener}s hear each round as an
 * epoch, their unit: {@code EpochMetrics.epoch()} is the round, as in the {@link MetricsHistory}
 * {@link #fit} returns; timings per round go through {@link RoundListener}s
 * ({@link Builder#roundsCsvTo}). {@link Builder#checkpointTo} saves a {@link Checkpoint} on the
 * driver every N rounds (its epoch is the rounds completed), which {@link #resumeFrom}
 * continues.
 */
public final class SparkTrainer {
  private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);

  private final ModelFactory modelFactory;
  private final OptimizerFactory optimizerFactory;
  private final LossFunction loss;
  private final boolean accuracy;
  private final JavaRDD<? extends Sample> data;
  private final int batchSize;
  private final int localSteps;
  private final int rounds; // 0: from epochs once the shards are known
  private final int epochs;
  private final long seed;
  private final boolean barrier;
  private final int treeDepth;
  private final Dataset test;
  private final int evalEvery;
  private final Path checkpointFile;
  private final int checkpointEvery;
  private final Path csvFile;
  private final List<TrainingListener> listeners;
  private final List<RoundListener> roundListeners;
  private final Module model;
  private final Optimizer optimizer;
  private final ModelLayout layout;
  private MetricsHistory history = new MetricsHistory();
  private int completedRounds;

  private SparkTrainer(Builder b) {
    this.modelFactory = b.modelFactory;
    this.optimizerFactory = b.optimizerFactory;
    this.loss = b.loss;
    this.accuracy = b.accuracy != null ? b.accuracy : b.loss.isClassification();
    this.data = b.data;
    this.batchSize = b.batchSize;
    this.localSteps = b.localSteps;
    this.rounds = b.rounds;
    this.epochs = b.epochs;
    this.seed = b.seed;
    this.barrier = b.barrier;
    this.treeDepth = b.treeDepth;
    this.test = b.test;
    this.evalEvery = b.evalEvery;
    this.checkpointFile = b.checkpointFile;
    this.checkpointEvery = b.checkpointEvery;
    this.csvFile = b.csvFile;
    this.listeners = b.allListeners();
    this.roundListeners = List.copyOf(b.roundListeners);
    this.model = modelFactory.create();
    checkNotNull(model, "SparkTrainer: the model factory returned null; return a Module");
    this.optimizer = optimizerFactory.create(model.namedParameters());
    checkNotNull(optimizer, "SparkTrainer: the optimizer factory returned null");
    this.layout = ModelLayout.of(model, optimizer);
  }

  /** A builder; fails at once, saying what to add, when Spark is not on the class path. */
  public static Builder builder() {
    SparkRequirement.check();
    return new Builder();
  }

  /** The driver's model: the averaged parameters after each round. */
  public Module model() {
    return model;
  }

  /** The driver's optimizer, holding the averaged state. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** Rounds completed so far (by {@link #fit} or the checkpoint resumed from). */
  public int completedRounds() {
    return completedRounds;
  }

  /** The metrics so far, one entry per round. */
  public MetricsHistory history() {
    return history;
  }

  /**
   * Loads a checkpoint this trainer saved: parameters, optimizer state, rounds completed and the
   * metrics so far; {@link #fit} continues with the next round and the same batches.
   */
  public SparkTrainer resumeFrom(Path file) throws IOException {
    Checkpoint c = Checkpoint.load(file);
    c.restoreModel(model);
    c.restoreOptimizerState(optimizer); // this run's rate and options win, as the Trainer's
    String saved = c.metadata().get(HistoryMetadata.KEY);
    history = saved == null ? new MetricsHistory()
        : HistoryMetadata.decode(saved, file.toString());
    completedRounds = c.epoch();
    return this;
  }

  /** Trains the remaining rounds and returns the metrics of every round. */
  public MetricsHistory fit() throws IOException {
    JavaRDD<Shard> shards = data.mapPartitionsWithIndex(SparkTrainer::toShard, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<ShardInfo> shardInfos = onSpark(() -> shards.map(Shard::info).collect(),
          "packing the samples into shards");
      ShardInfo samples = checkShards(shardInfos);
      checkLoss(samples.kind());
      checkModelTakes(samples);
      if (test != null) {
        checkTestSet(samples);
      }
      int total = shardInfos.stream().mapToInt(ShardInfo::size).sum();
      int maxShard = shardInfos.stream().mapToInt(ShardInfo::size).max().orElse(0);
      int roundsPerEpoch = (ShardSchedule.batchesPerPass(maxShard, batchSize) + localSteps - 1)
          / localSteps;
      int totalRounds = rounds > 0 ? rounds : epochs * roundsPerEpoch;
      int every = evalEvery > 0 ? evalEvery : roundsPerEpoch;
      RoundEpochs epochsAt = new RoundEpochs(shardInfos, batchSize, localSteps);
      List<TrainingListener> outputs = new ArrayList<>();
      if (csvFile != null) { // first, as the Trainer's CSV output comes before the others
        outputs.add(new RoundMetricsCsv(csvFile, epochsAt));
      }
      outputs.addAll(listeners);
      checkArgument(completedRounds <= totalRounds, "SparkTrainer: the checkpoint resumed from"
          + " completed %s rounds, beyond the %s asked for; ask for more rounds or epochs",
          completedRounds, totalRounds);
      log.info("SparkTrainer: {} {}s in {} partitions ({} empty), {} rounds of {} local"
          + " steps of up to {} samples per partition{}", total, samples.kind().typeName(),
          shardInfos.size(), shardInfos.stream().filter(s -> s.size() == 0).count(), totalRounds,
          localSteps, batchSize, barrier ? ", barrier mode" : "");
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.context());
      String runId = UUID.randomUUID().toString();
      int samplesPerRound = 0;
      for (ShardInfo s : shardInfos) {
        samplesPerRound += Math.min(s.size(), batchSize * localSteps);
      }
      while (completedRounds < totalRounds) {
        int round = completedRounds + 1;
        for (TrainingListener l : outputs) {
          l.onEpochStart(round, totalRounds, localSteps, samplesPerRound);
        }
        RoundMetrics m = runRound(jsc, shards, runId, round);
        completedRounds = round;
        boolean evaluate = test != null && (round % every == 0 || round == totalRounds);
        Evaluation e = evaluate ? Evaluator.evaluate(model, test, loss, 1000, accuracy) : null;
        EpochMetrics em = new EpochMetrics(round, m.loss(), m.accuracy(),
            e == null ? Double.NaN : e.loss(), e == null ? Double.NaN : e.accuracy(),
            m.seconds(), optimizer.learningRate());
        history.add(em);
        if (checkpointFile != null && (round % checkpointEvery == 0 || round == totalRounds)) {
          Checkpoint.save(checkpointFile, model, optimizer, round,
              Map.of(HistoryMetadata.KEY, HistoryMetadata.encode(history)));
        }
        log.info(RoundLog.format(em, totalRounds, epochsAt.after(round), history.heldOut()));
        for (RoundListener l : roundListeners) {
          l.onRoundEnd(m);
        }
        for (TrainingListener l : outputs) {
          l.onEpochEnd(em, history);
        }
      }
      for (TrainingListener l : outputs) {
        l.onTrainingEnd(history);
      }
      return history;
    } finally {
      if (!data.context().isStopped()) { // a stopped context (an aborted app) has nothing cached
        shards.unpersist(false);
      }
    }
  }

  private static Iterator<Shard> toShard(int partition, Iterator<? extends Sample> samples) {
    return List.of(Shard.of(partition, samples)).iterator();
  }

  /**
   * The first partition with samples; fails on no samples at all, or on partitions whose samples
   * differ from it in kind, features or targets.
   */
  private static ShardInfo checkShards(List<ShardInfo> shards) {
    ShardInfo first = null;
    for (ShardInfo s : shards) {
      if (s.size() == 0) {
        continue;
      }
      if (first == null) {
        first = s;
        continue;
      }
      checkArgument(s.kind() == first.kind(), "SparkTrainer: partition %s holds %ss but"
          + " partition %s %ss; pass samples of one kind", s.partition(), s.kind().typeName(),
          first.partition(), first.kind().typeName());
      checkArgument(s.features() == first.features(), "SparkTrainer: partition %s has samples"
          + " of %s features but partition %s has %s; every sample needs as many",
          s.partition(), s.features(), first.partition(), first.features());
      checkArgument(s.targets() == first.targets(), "SparkTrainer: partition %s has samples of"
          + " %s targets but partition %s has %s; every RegressionSample needs as many as the"
          + " model has outputs", s.partition(), s.targets(), first.partition(), first.targets());
    }
    checkArgument(first != null, "SparkTrainer: the training data is empty (all %s partitions"
        + " hold no sample); pass an RDD with samples", shards.size());
    return first;
  }

  /** Fails where the loss is not for the samples' targets: labels or float targets. */
  private void checkLoss(SampleKind kind) {
    if (kind == SampleKind.LABELED) {
      checkArgument(loss.isClassification(), "SparkTrainer: the samples are %s but the loss is"
          + " not a classification loss (LossFunction.isClassification()); pass one such as"
          + " Losses::softmaxCrossEntropyLabels, declare your own with"
          + " LossFunction.classification(loss), or train on RegressionSamples", kind);
    } else {
      checkArgument(!loss.isClassification(), "SparkTrainer: the samples are %s but the loss is"
          + " a classification loss (LossFunction.isClassification()); pass a regression loss"
          + " such as Losses::meanSquaredError, or train on LabeledSamples", kind);
    }
  }

  /**
   * Runs the driver's model once on a sample of zeros, so that samples it cannot take, or
   * regression targets its output does not match, fail here and once: an executor's failure is
   * retried ({@code spark.task.maxFailures}) and logged by every attempt.
   */
  private void checkModelTakes(ShardInfo samples) {
    Shape out;
    try (Module.EvalScope evalMode = Module.evalScope(); NoGrad noGrad = NoGrad.scope();
        TensorScope scope = TensorScope.open()) {
      out = model.forward(Tensor.zeros(layout.inputDtype(), 1, samples.features())).shape();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("SparkTrainer: the model does not take samples of "
          + samples.features() + " features (" + e.getMessage() + "); build the model for them,"
          + " or give each sample the features the model takes", e);
    }
    checkArgument(samples.kind() != SampleKind.REGRESSION
        || out.equals(Shape.of(1, samples.targets())), "SparkTrainer: the model's output for a"
        + " sample is %s but a sample's targets are [1, %s] (RegressionSamples of %s targets);"
        + " build the model with %s outputs, or give every sample as many targets as the model"
        + " has outputs", out, samples.targets(), samples.targets(), samples.targets());
  }

  /**
   * Fails now, not at the first evaluation rounds later, where the test set's inputs are not in
   * the model's dtype or its regression targets are not shaped as the samples' are.
   */
  private void checkTestSet(ShardInfo samples) {
    DType dtype = layout.inputDtype();
    try (Batch first = test.gather(Tensor.indices(new int[] {0}).to(test.inputs().backend()))) {
      checkArgument(first.inputs().dtype() == dtype, "SparkTrainer: the test set's inputs are"
          + " %s but the model is %s; build the test Dataset's tensors in %s", first.inputs()
          .dtype(), dtype, dtype);
      TensorSpec expected = new TensorSpec(Shape.of(1, samples.targets()), dtype);
      checkArgument(samples.kind() != SampleKind.REGRESSION
          || first.targets().spec().equals(expected), "SparkTrainer: a test sample's targets"
          + " are %s but a training sample's are %s (RegressionSamples of %s targets, a %s"
          + " model); build the test Dataset's targets as [samples, %s] in %s",
          first.targets().spec(), expected, samples.targets(), dtype, samples.targets(), dtype);
    }
  }

  /** Broadcasts the state, trains every partition, averages, and applies the average. */
  private RoundMetrics runRound(JavaSparkContext jsc, JavaRDD<Shard> shards, String runId,
      int round) {
    long start = System.nanoTime();
    RoundState state = new RoundState(runId, round, (long) (round - 1) * localSteps, layout,
        layout.packModel(model), layout.packState(optimizer), optimizer.state().values());
    Broadcast<RoundState> broadcast = jsc.broadcast(state);
    RoundTask task = new RoundTask(modelFactory, optimizerFactory, loss, accuracy, batchSize,
        localSteps, seed, broadcast);
    PartitionResult r;
    try {
      JavaRDD<PartitionResult> results = barrier ? barrierRound(shards, task)
          : shards.map(task::run);
      r = onSpark(() -> results.treeAggregate(PartitionResult.empty(), PartitionResult::merge,
          PartitionResult::merge, treeDepth), "round " + round);
    } finally {
      broadcast.destroy();
    }
    layout.unpackModel(r.model, model);
    layout.unpackState(r.state, r.counters, optimizer);
    double seconds = (System.nanoTime() - start) / 1e9;
    double loss = r.lossSum / r.samples;
    checkState(Double.isFinite(loss), "SparkTrainer: the loss became %s in round %s; lower the"
        + " learning rate (now %s)", loss, round, optimizer.learningRate());
    return new RoundMetrics(round, r.samples, r.partitions, loss,
        accuracy ? (double) r.correct / r.samples : Double.NaN, seconds, r.computeNanos / 1e9);
  }

  private static JavaRDD<PartitionResult> barrierRound(JavaRDD<Shard> shards, RoundTask task) {
    ClassTag<PartitionResult> tag = ClassTag$.MODULE$.apply(PartitionResult.class);
    return new JavaRDD<>(shards.rdd().barrier().mapPartitions(new BarrierRound(task), false, tag),
        tag);
  }

  /**
   * Runs a Spark job. Our own argument errors (a model that differs on an executor, say) reach
   * the driver inside Spark's job failure: they are thrown again as themselves, with Spark's
   * failure as cause.
   */
  private static <T> T onSpark(Supplier<T> job, String what) {
    try {
      return job.get();
    } catch (Exception e) { // Scala throws SparkException, checked in Java, undeclared
      if (e instanceof SparkException failure) {
        throw unwrap(failure, what);
      }
      throw e;
    }
  }

  private static RuntimeException unwrap(SparkException e, String what) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
        RuntimeException again = t instanceof IllegalArgumentException
            ? new IllegalArgumentException(t.getMessage(), e)
            : new IllegalStateException(t.getMessage(), e);
        return again;
      }
    }
    return new IllegalStateException("SparkTrainer: " + what + " failed after Spark's retries: "
        + e.getMessage(), e);
  }

  /** Options of a {@link SparkTrainer}; model, optimizer, loss, data and rounds or epochs. */
  public static final class Builder {
    private ModelFactory modelFactory;
    private OptimizerFactory optimizerFactory;
    private LossFunction loss;
    private Boolean accuracy;
    private JavaRDD<? extends Sample> data;
    private int batchSize = 32;
    private int localSteps = 1;
    private int rounds;
    private int epochs;
    private long seed = 42;
    private boolean barrier;
    private int treeDepth = 2;
    private Dataset test;
    private int evalEvery;
    private Path checkpointFile;
    private int checkpointEvery;
    private Path csvFile;
    private Path chartFile;
    private String chartTitle;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<RoundListener> roundListeners = new ArrayList<>();

    private Builder() {}

    /** Builds the model on the driver and on every executor (see {@link ModelFactory}). */
    public Builder model(ModelFactory factory) {
      this.modelFactory = checkNotNull(factory, "model factory is null");
      return this;
    }

    /** Builds the optimizer on a model's parameters, everywhere (see {@link OptimizerFactory}). */
    public Builder optimizer(OptimizerFactory factory) {
      this.optimizerFactory = checkNotNull(factory, "optimizer factory is null");
      return this;
    }

    /** The loss, e.g. {@code Losses::softmaxCrossEntropyLabels} (serializable). */
    public Builder loss(LossFunction loss) {
      this.loss = checkNotNull(loss, "loss is null");
      return this;
    }

    /** Reports accuracy, or not, whatever the loss says. */
    public Builder accuracy(boolean report) {
      this.accuracy = report;
      return this;
    }

    /**
     * The training samples, each partition one worker's shard: {@link LabeledSample}s for a
     * classification loss, or {@link RegressionSample}s for a regression loss (one kind, checked
     * against the loss before the first round).
     */
    public Builder data(JavaRDD<? extends Sample> samples) {
      this.data = checkNotNull(samples, "data is null; pass a JavaRDD of LabeledSample or"
          + " RegressionSample");
      return this;
    }

    /** Samples per local step on each partition (the global batch is this times partitions). */
    public Builder batchSize(int size) {
      checkArgument(size > 0, "SparkTrainer: batch size must be positive, got %s", size);
      this.batchSize = size;
      return this;
    }

    /** Mini-batches each partition trains between two averagings (default 1). */
    public Builder localSteps(int steps) {
      checkArgument(steps > 0, "SparkTrainer: local steps must be positive, got %s", steps);
      this.localSteps = steps;
      return this;
    }

    /** Total rounds, those of a resumed checkpoint included; or {@link #epochs}. */
    public Builder rounds(int rounds) {
      checkArgument(rounds > 0, "SparkTrainer: rounds must be positive, got %s", rounds);
      this.rounds = rounds;
      this.epochs = 0;
      return this;
    }

    /**
     * Total epochs: as many rounds as the largest partition needs to see its samples that many
     * times; or {@link #rounds}.
     */
    public Builder epochs(int epochs) {
      checkArgument(epochs > 0, "SparkTrainer: epochs must be positive, got %s", epochs);
      this.epochs = epochs;
      this.rounds = 0;
      return this;
    }

    /** Seeds the batch order of every partition (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Runs each round as a barrier stage: all partitions' tasks start together, and a failed one
     * restarts the round for all. Needs a slot per partition, and no dynamic allocation.
     */
    public Builder barrier(boolean barrier) {
      this.barrier = barrier;
      return this;
    }

    /** Depth of {@code treeAggregate}'s tree (default 2). */
    public Builder treeDepth(int depth) {
      checkArgument(depth >= 1, "SparkTrainer: tree depth must be >= 1, got %s", depth);
      this.treeDepth = depth;
      return this;
    }

    /**
     * A held-out set evaluated on the driver every {@code everyRounds} rounds and after the last
     * (0: once per epoch's worth of rounds): its loss, and its accuracy for classification. Its
     * inputs are in the model's dtype and, for {@link RegressionSample}s, its targets are
     * {@code [samples, targets]} in that dtype too; checked before the first round.
     */
    public Builder test(Dataset test, int everyRounds) {
      this.test = checkNotNull(test, "test set is null; leave test() out to skip testing");
      checkArgument(everyRounds >= 0, "SparkTrainer: evaluation interval must be >= 0, got %s",
          everyRounds);
      this.evalEvery = everyRounds;
      return this;
    }

    /** Saves a checkpoint on the driver every {@code everyRounds} rounds and after the last. */
    public Builder checkpointTo(Path file, int everyRounds) {
      this.checkpointFile = checkNotNull(file, "checkpoint file is null");
      checkArgument(everyRounds > 0, "SparkTrainer: checkpoint interval must be positive, got"
          + " %s", everyRounds);
      this.checkpointEvery = everyRounds;
      return this;
    }

    /**
     * The report in {@code dir}: metrics.csv (the {@code Trainer}'s columns, a row per round:
     * {@code epoch} the epochs trained by the round's end, fractional, then {@code round}),
     * training.png (over rounds), and rounds.csv with each round's timings.
     */
    public Builder reportTo(Path dir, String title) {
      checkNotNull(dir, "report directory is null");
      this.csvFile = dir.resolve("metrics.csv");
      this.chartFile = dir.resolve("training.png");
      this.chartTitle = checkNotNull(title, "title is null");
      return roundsCsvTo(dir.resolve("rounds.csv"));
    }

    /** Writes each round's timings as CSV ({@link RoundCsvListener}). */
    public Builder roundsCsvTo(Path file) {
      return roundListener(new RoundCsvListener(file));
    }

    /**
     * Adds a listener that hears each round as an epoch (its {@code EpochMetrics.epoch()} is the
     * round); the trainer logs each round itself.
     */
    public Builder listener(TrainingListener listener) {
      listeners.add(checkNotNull(listener, "listener is null"));
      return this;
    }

    /** Adds a listener of each round's metrics and timings. */
    public Builder roundListener(RoundListener listener) {
      roundListeners.add(checkNotNull(listener, "round listener is null"));
      return this;
    }

    /** The chart's and the caller's; metrics.csv needs the shards ({@link RoundMetricsCsv}). */
    private List<TrainingListener> allListeners() {
      List<TrainingListener> all = new ArrayList<>();
      if (chartFile != null) {
        all.add(new ChartListener(chartFile, chartTitle, "round"));
      }
      all.addAll(listeners);
      return List.copyOf(all);
    }

    /**
     * Builds the trainer and its driver-side model and optimizer (the factories run once here,
     * so a factory that fails, fails now).
     */
    public SparkTrainer build() {
      checkState(modelFactory != null, "call model(...) before build()");
      checkState(optimizerFactory != null, "call optimizer(...) before build()");
      checkState(loss != null,
          "call loss(...) before build(), e.g. Losses::softmaxCrossEntropyLabels");
      checkState(data != null, "call data(samples) before build(), a JavaRDD of LabeledSample"
          + " or RegressionSample");
      checkState(rounds > 0 || epochs > 0, "call rounds(n) or epochs(n) before build()");
      return new SparkTrainer(this);
    }
  }
}
