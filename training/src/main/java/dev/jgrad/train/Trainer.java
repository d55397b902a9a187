package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.base.Suppliers;
import dev.jgrad.api.Backend;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.io.OutputLock;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.GradClip;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.LearningRateScheduler;
import dev.jgrad.optim.schedule.LearningRateScheduler.Interval;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.LossChart;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model for a number of epochs: mini-batches from a {@link DataLoader}, a loss, an
 * optimizer; after each epoch the training loss and accuracy (means over the epoch's batches) and
 * the test loss and accuracy (a full pass over the test set), handed to the listeners. Accuracy is
 * measured for a classification loss ({@link LossFunction#isClassification}) or when
 * {@link Builder#accuracy} asks, NaN otherwise. Optionally
 * writes the metrics as CSV after every epoch and a PNG chart at the end, and a checkpoint after
 * every epoch that {@link #resumeFrom} continues exactly. A runtime that cannot draw the chart (no
 * fonts, no AWT native library) costs only the chart: a warning, and the run completes.
 *
 * <pre>{@code
 * // trainSet, testSet: images [n, 784] and INT32 labels [n], e.g. Dataset.ofImages(...)
 * // outDir: a directory of this run's own, e.g. Path.of("out/mnist")
 * Sequential model = Mlp.builder().input(784).hidden(100).output(10).seed(42).build();
 * Trainer trainer = Trainer.builder()
 *     .model(model)
 *     .loss(Losses::softmaxCrossEntropyLabels)
 *     .optimizer(new Sgd(model.namedParameters(), 0.1))
 *     .train(DataLoader.builder(trainSet).batchSize(100).seed(42).build())
 *     .test(testSet)
 *     .epochs(10)
 *     .reportTo(outDir, "MNIST 784-100-10")   // outDir/metrics.csv, outDir/training.png
 *     .checkpointTo(outDir.resolve("checkpoint.safetensors"))
 *     .listener(new EpochLogger())
 *     .build();
 * MetricsHistory history = trainer.fit();   // one EpochMetrics per epoch
 * }</pre>
 *
 * <p>{@code DocSnippetsTest} (training's tests, {@code dev.jgrad.snippets}) runs this example
 * as written and fails when the two differ.
 *
 * <p>Those files are outputs: listeners that hear each epoch's end before the listeners of
 * {@link Builder#listener} do, so one of those that throws (to stop early, say) loses none of
 * them. Each is set, or left out, on its own: {@link Builder#csvTo} ({@link CsvReportListener}),
 * {@link Builder#checkpointTo} ({@link CheckpointListener}), {@link Builder#chartTo}
 * ({@link ChartListener}), {@link Builder#bestCheckpointTo} ({@link CheckpointListener#best}:
 * only after an epoch with the lowest held-out loss so far); {@link Builder#reportTo} is the first and
 * the last in one directory.
 * {@link Builder#output} adds one of your own, e.g. in place of one of those:
 *
 * <pre>{@code
 * Trainer.builder()...
 *     .csvTo(Path.of("out/mnist/metrics.csv"))                       // no chart
 *     .output(new MyMetricsUploader(server))                          // a listener of yours
 *     .output(new CheckpointListener(Path.of("out/mnist/ckpt.safetensors"), model, optimizer))
 *     .build();
 * }</pre>
 *
 * <p>One run per output directory: {@link #fit} holds an {@link OutputLock} on the directory of
 * each file it writes (CSV, chart, checkpoints) for its whole length, so a second trainer (in this
 * process or another) writing there fails at once, naming the first, instead of overwriting it.
 * A caller that already holds the lock on one hands it over with {@link Builder#outputLock}.
 *
 * <p>Each step (forward, loss, backward, in-place optimizer update) runs in a {@link TensorScope}
 * that releases every buffer it computed, gradients included, so nothing of one step outlives it
 * and memory stays flat across epochs, on the GPU as on the CPU.
 *
 * <p>When the host waits for the device: not inside a step. Each step's loss and number of
 * correct predictions are copied into per-epoch vectors on the device (see {@link StepProgress}),
 * so a GPU can run steps ahead of the host. They are read, all batches so far in one download,
 * only
 * <ul>
 *   <li>when a listener reads {@link StepProgress}'s loss or accuracy ({@link ProgressListener}:
 *       when its bar redraws, at most 10 times a second on a terminal, 10 lines per epoch
 *       otherwise), or overrides the deprecated per-batch-loss {@code onBatchEnd} (every batch);
 *   <li>at the end of each epoch, for its metrics, which are the sums that reading every batch
 *       gave; a loss that is not finite stops training then (or at an earlier read), naming its
 *       batch;
 *   <li>by the evaluation after each epoch (once per pass), and by checkpoints and reports.
 * </ul>
 */
public final class Trainer {
  private static final Logger log = LoggerFactory.getLogger(Trainer.class);

  /** Names of the files {@link Builder#reportTo} writes. */
  public static final String CSV_FILE = "metrics.csv";
  /** Name of the chart {@link Builder#reportTo} writes. */
  public static final String CHART_FILE = "training.png";

  private final Module model;
  private final LossFunction loss;
  private final boolean accuracy;
  private final Optimizer optimizer;
  private final DataLoader train;
  private final Dataset test;
  private final int epochs;
  private final int evalBatchSize;
  private final boolean evaluateTrainingSet;
  private final LearningRateScheduler scheduler; // null: the optimizer's rate throughout
  private final ReduceOnPlateau plateau; // null: no reductions on a plateau
  private final double baseRate;
  private final Interval scheduleInterval;
  private final double clipNorm; // 0: no clipping
  private final boolean captureSteps;
  private final int patience; // 0: no early stopping
  /** The captured steps while {@link #fit} runs, on a backend that captures; else null. */
  private GraphStep graphStep;
  /** The outputs, then the other listeners, in calling order. */
  private final List<TrainingListener> listeners;
  /** Listeners overriding the deprecated per-batch-loss callback, which reads every batch. */
  private final Set<TrainingListener> everyBatchLoss =
      Collections.newSetFromMap(new IdentityHashMap<>());
  /** The files the built-in outputs write, whose directories {@link #fit} locks. */
  private final List<Path> outputFiles;
  private final List<OutputLock> heldLocks;
  private final Path bestCheckpointFile; // null: no best checkpoint
  private final HeldOut heldOut;
  /** The held-out set's fingerprint for checkpoints (empty without one). */
  private final Supplier<Map<String, String>> heldOutMetadata;
  private MetricsHistory history;
  private int completedEpochs;

  private Trainer(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.accuracy = b.accuracy != null ? b.accuracy : b.loss.isClassification();
    this.optimizer = b.optimizer;
    this.train = b.train;
    this.test = b.test;
    this.heldOut = b.heldOut;
    this.history = new MetricsHistory(b.heldOut);
    this.epochs = b.epochs;
    this.evalBatchSize = b.evalBatchSize;
    this.evaluateTrainingSet = b.evaluateTrainingSet;
    this.scheduler = b.schedule == null ? null : new LearningRateScheduler(b.optimizer, b.schedule);
    this.plateau = b.plateau;
    this.baseRate = b.optimizer.learningRate();
    this.scheduleInterval = b.scheduleInterval;
    this.clipNorm = b.clipNorm;
    this.captureSteps = b.captureSteps;
    this.patience = b.patience;
    // read once, and only when a checkpoint is written or resumed
    this.heldOutMetadata = Suppliers.memoize(() -> test == null ? Map.of()
        : Map.of(HistoryMetadata.HELD_OUT_KEY, test.fingerprint()));
    this.listeners = b.allListeners(heldOutMetadata);
    this.outputFiles = b.outputFiles();
    this.heldLocks = List.copyOf(b.heldLocks);
    this.bestCheckpointFile = b.bestCheckpointFile;
    for (TrainingListener l : listeners) {
      if (overridesPerBatchLoss(l)) {
        everyBatchLoss.add(l);
      }
    }
  }

  private static boolean overridesPerBatchLoss(TrainingListener l) {
    try {
      return l.getClass().getMethod("onBatchEnd", int.class, int.class, int.class, int.class,
          double.class).getDeclaringClass() != TrainingListener.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("TrainingListener declares onBatchEnd(int, int, int, int, double)",
          e);
    }
  }

  /**
   * Starts a trainer; {@code model}, {@code loss}, {@code optimizer}, {@code train} and
   * {@code epochs} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a checkpoint written by this kind of trainer: the model's parameters, the optimizer's
   * state and the metrics so far; {@link #fit()} then continues with the next epoch, seeing the
   * same batches as a run that never stopped.
   *
   * <p>With {@link Builder#bestCheckpointTo}, the best file is made to hold the best epoch so far
   * (holding that directory's lock meanwhile): when it does not, and the best epoch came before
   * the resume, its model is copied there from the earlier run's best file (the one the checkpoint
   * names, or the file of the same name beside it) or from the checkpoint itself; when none holds
   * it, a warning says so and what to do, and a best file holding another model is deleted.
   */
  public Trainer resumeFrom(Path file) throws IOException {
    Checkpoint c = Checkpoint.load(file);
    checkArgument(c.epoch() <= epochs, "%s was saved after epoch %s, beyond the %s epochs asked"
        + " for; ask for more epochs to continue it", file, c.epoch(), epochs);
    MetricsHistory restored = restoredHistory(c, file);
    if (bestCheckpointFile != null) {
      try (OutputDirLocks ignored = OutputDirLocks.acquire(List.of(bestCheckpointFile),
          heldLocks)) {
        ResumedBest.restore(bestCheckpointFile, file, c, restored);
      }
    }
    c.restoreModel(model); // only once the history is known to fit this run
    c.restoreOptimizerState(optimizer); // this run's rate and options win
    history = restored;
    completedEpochs = c.epoch();
    return this;
  }

  /**
   * The history saved in {@code c}, checked against this run's held-out set: the same kind
   * (test or validation; a history that measured none fits either) and, where the checkpoint
   * recorded it, the same samples, so that one history never mixes two sets' losses.
   */
  private MetricsHistory restoredHistory(Checkpoint c, Path file) {
    String saved = c.metadata().get(HistoryMetadata.KEY);
    if (saved == null) {
      return new MetricsHistory(heldOut);
    }
    MetricsHistory restored = HistoryMetadata.decode(saved, file.toString());
    if (test == null) {
      return restored; // the epochs ahead measure nothing: the history keeps its name
    }
    if (restored.heldOut() != heldOut) {
      checkArgument(restored.bestTestLoss().isEmpty(), "%s measured its epochs on a %s set; "
          + "resume it with %s(...) too, not %s(...), so that its history stays one set's", file,
          restored.heldOut().label(), restored.heldOut().label(), heldOut.label());
      MetricsHistory renamed = new MetricsHistory(heldOut); // nothing was measured: rename it
      restored.epochs().forEach(renamed::add);
      restored = renamed;
    }
    String fingerprint = c.metadata().get(HistoryMetadata.HELD_OUT_KEY);
    if (fingerprint != null && !fingerprint.equals(
        heldOutMetadata.get().get(HistoryMetadata.HELD_OUT_KEY))) {
      throw new HeldOutMismatchException(file + " measured its epochs on other " + heldOut.label()
          + " samples than this run's (other data, or another split); resume it with the same "
          + heldOut.label() + " set");
    }
    return restored;
  }

  /** Epochs completed so far (by {@link #fit} or the checkpoint resumed from). */
  public int completedEpochs() {
    return completedEpochs;
  }

  /** The metrics so far. */
  public MetricsHistory history() {
    return history;
  }

  /**
   * Trains the remaining epochs and returns the metrics of every epoch, holding the output
   * directories' locks throughout (released however it ends); fails at once with
   * {@link OutputLock.InUseException} when another run holds one.
   */
  public MetricsHistory fit() throws IOException {
    if (Module.inEvalScope()) { // before reading the mode, which the scope would report as eval
      throw new IllegalStateException("fit() was called inside Module.evalScope(): it would "
          + "train in evaluation mode (no dropout, BatchNorm's running statistics frozen); "
          + "close the scope first");
    }
    boolean wasTraining = model.isTraining();
    try (OutputDirLocks ignored = OutputDirLocks.acquire(outputFiles, heldLocks)) {
      graphStep = captureSteps ? graphStep() : null;
      return fitLocked();
    } finally {
      try {
        if (graphStep != null) {
          graphStep.close();
        }
      } finally {
        graphStep = null;
        model.train(wasTraining); // the caller's mode back, however training ended
      }
    }
  }

  /**
   * The captured steps on the parameters' backend, or null (logged) where the backend cannot
   * capture or the step cannot be replayed: the steps then run as usual.
   */
  private GraphStep graphStep() {
    List<Tensor> params = model.parameters();
    if (params.isEmpty()) {
      return null;
    }
    Backend backend = params.get(0).backend();
    if (!(backend instanceof GraphCapture capture)) {
      log.info("captureSteps: the {} backend cannot capture steps as graphs; they run as usual",
          backend.name());
      return null;
    }
    String why = optimizer.whyNotCapturable();
    if (why == null && train.augments()) {
      why = "the loader augments its batches on the host, and a graph would replay one batch's "
          + "augmentation";
    }
    if (why == null && train.dataset().inputs().backend() != backend) {
      why = "the training data is on the " + train.dataset().inputs().backend().name()
          + " backend, the parameters on " + backend.name();
    }
    if (why != null) {
      log.warn("captureSteps: the steps run as usual, not captured: {}", why);
      return null;
    }
    return new GraphStep(backend, capture, train.dataset()::gather, this::stepOn,
        optimizer.capturedStepReadsLearningRate() ? null : optimizer::learningRate,
        model::zeroGrad);
  }

  /**
   * One training step's device work: forward, loss, backward and update; returns its metric
   * tensors (the loss, the correct count and the one-hot misfit, see Evaluator.metricTensors).
   * Reads nothing from the device.
   */
  private Tensor[] stepOn(Tensor inputs, Tensor targets) {
    Tensor output = model.forward(inputs);
    Tensor l = loss.compute(output, targets);
    if (clipNorm > 0) { // reads nothing: a non-finite norm shows in the loss
      l.backward();
      GradClip.clipGlobalNormOnDevice(model.namedParameters(), clipNorm);
      optimizer.step();
    } else {
      optimizer.backwardStep(l); // the same update, some of it inside the pass
    }
    model.zeroGrad();
    try (NoGrad ignored = NoGrad.scope()) {
      return Evaluator.metricTensors(l, output, targets, accuracy);
    }
  }

  private MetricsHistory fitLocked() throws IOException {
    while (completedEpochs < epochs && !stoppedEarly()) {
      EpochMetrics m = runEpoch(completedEpochs);
      history.add(m);
      completedEpochs++;
      for (TrainingListener l : listeners) {
        l.onEpochEnd(m, history);
      }
    }
    for (TrainingListener l : listeners) {
      l.onTrainingEnd(history);
    }
    return history;
  }

  /**
   * Whether early stopping ({@link Builder#earlyStopping}) ends training now: the test loss has
   * not improved on its best for {@code patience} epochs. Decided from the history alone, so a
   * run resumed from a checkpoint stops where the uninterrupted run did.
   */
  private boolean stoppedEarly() {
    if (patience == 0 || history.isEmpty()) {
      return false;
    }
    EpochMetrics last = history.last();
    EpochMetrics best = history.bestTestLoss().orElse(null);
    int since = best == null ? history.size() : last.epoch() - best.epoch();
    if (since < patience) {
      return false;
    }
    log.info("early stopping after epoch {} of {}: the {} loss has not improved for {} epochs"
        + " (best {} at epoch {})", last.epoch(), epochs, heldOut.label(), since,
        best == null ? "none" : best.testLoss(), best == null ? "-" : best.epoch());
    return true;
  }

  /**
   * Sets the rate {@link Builder#reduceOnPlateau} gives after the epochs so far, from the history
   * alone (a resumed run gets the rate it had reached), and logs a change.
   */
  private void applyPlateauRate() {
    List<Double> losses = new ArrayList<>();
    for (EpochMetrics m : history.epochs()) {
      losses.add(m.testLoss());
    }
    double rate = baseRate * Math.pow(plateau.factor(), plateau.reductions(losses));
    if (rate != optimizer.learningRate()) {
      optimizer.setLearningRate(rate);
    }
    if (!losses.isEmpty()) {
      // the rule's rate before this epoch's loss, not the optimizer's: just after a resume that
      // is the base rate, and the line would differ from the uninterrupted run's
      double was = baseRate * Math.pow(plateau.factor(),
          plateau.reductions(losses.subList(0, losses.size() - 1)));
      if (rate != was) {
        log.info("the {} loss has not improved for more than {} epochs: learning rate {} -> {}",
            heldOut.label(), plateau.patience(), was, rate);
      }
    }
  }

  /** One pass over the training data (0-based {@code epoch}) and the evaluation after it. */
  private EpochMetrics runEpoch(int epoch) {
    long start = System.nanoTime();
    int batches = train.batchCount();
    if (scheduler != null && scheduleInterval == Interval.EPOCH) {
      scheduler.apply(epoch); // from the count, so a resumed run gets the rate it had reached
    }
    if (plateau != null) {
      applyPlateauRate();
    }
    for (TrainingListener l : listeners) {
      l.onEpochStart(epoch + 1, epochs, batches, train.samplesPerEpoch());
    }
    BatchMetrics metrics = new BatchMetrics(batches, (batch, value) -> {
      throw new DivergedLossException(value, epoch + 1, batch, optimizer.learningRate());
    });
    double trainLoss;
    double trainAccuracy;
    try (metrics) {
      model.train(); // Dropout drops, BatchNorm uses batch statistics; the evaluation switches
      if (graphStep != null) {
        runCapturedSteps(epoch, metrics);
      } else {
        long stepCount = (long) epoch * batches;
        for (Batch batch : train.epoch(epoch)) {
          applyStepSchedule(stepCount++);
          // The batch and every tensor the step computes (activations, gradients, temporaries)
          // are released when the step ends, so memory does not wait for the garbage collector.
          // The loss and the correct count are copied out on the device first: nothing here
          // waits for it.
          try (batch; TensorScope step = TensorScope.open()) {
            record(metrics, stepOn(batch.inputs(), batch.targets()), batch.size());
          }
          notifyBatchEnd(metrics.progress(epoch + 1, metrics.recorded()));
        }
      }
      trainLoss = metrics.meanLoss(metrics.recorded());
      trainAccuracy = metrics.accuracy(metrics.recorded());
    }
    double rate = optimizer.learningRate(); // the last step's: schedules set it before a step
    double trainEvalLoss = Double.NaN;
    double trainEvalAccuracy = Double.NaN;
    if (evaluateTrainingSet) {
      // the loader's data set as stored: no augmentation, as the test set is measured
      Evaluation e = Evaluator.evaluate(model, train.dataset(), loss, evalBatchSize, accuracy);
      trainEvalLoss = e.loss();
      trainEvalAccuracy = e.accuracy();
    }
    double testLoss = Double.NaN;
    double testAccuracy = Double.NaN;
    if (test != null) {
      Evaluation e = Evaluator.evaluate(model, test, loss, evalBatchSize, accuracy);
      testLoss = e.loss();
      testAccuracy = e.accuracy();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds,
        rate, trainEvalLoss, trainEvalAccuracy);
  }

  /**
   * The epoch's steps through {@link #graphStep}: the loader's order for the epoch on the data's
   * backend, and each batch's slice of it handed to the captured step, which gathers the samples
   * itself (inside its graph), as the loader would have.
   */
  private void runCapturedSteps(int epoch, BatchMetrics metrics) {
    Dataset data = train.dataset();
    Tensor made = Tensor.indices(train.order(epoch)); // on the current backend
    Tensor order = made.to(data.inputs().backend());
    if (order != made) {
      made.buffer().close();
    }
    try {
      for (int b = 0; b < train.batchCount(); b++) {
        applyStepSchedule((long) epoch * train.batchCount() + b);
        int from = train.batchStart(b);
        int size = train.batchLength(b);
        try (TensorScope step = TensorScope.open()) {
          record(metrics, graphStep.run(order, from, size), size);
        }
        notifyBatchEnd(metrics.progress(epoch + 1, metrics.recorded()));
      }
    } finally { // released in stream order: the queued steps read it first
      order.buffer().close();
    }
  }

  /** Sets the rate of step {@code count} (counted across epochs) under a per-step schedule. */
  private void applyStepSchedule(long count) {
    if (scheduler != null && scheduleInterval == Interval.STEP) {
      scheduler.apply(count);
    }
  }

  /** Records a step's metric values (see Evaluator.metricTensors) into the pass's metrics. */
  private static void record(BatchMetrics metrics, Tensor[] values, int size) {
    try (NoGrad ignored = NoGrad.scope()) { // the placeholder count is not a graph node
      metrics.record(values[0], values[1], values[2], size);
    }
  }

  @SuppressWarnings("deprecation") // the old callback, for the listeners that override it
  private void notifyBatchEnd(StepProgress progress) {
    for (TrainingListener listener : listeners) {
      listener.onBatchEnd(progress);
      if (everyBatchLoss.contains(listener)) {
        listener.onBatchEnd(progress.epoch(), progress.batch(), progress.batches(),
            progress.batchSize(), progress.batchLoss());
      }
    }
  }

  /**
   * Writes the chart for {@link ChartListener}: {@link LossChart#write}; tests stand in for a
   * runtime without AWT.
   */
  @FunctionalInterface
  interface ChartWriter {
    void write(Path file, MetricsHistory history, String title) throws IOException;
  }

  /** Options of a {@link Trainer}; model, loss, optimizer, training data, epochs are required. */
  public static final class Builder {
    private Module model;
    private LossFunction loss;
    private Boolean accuracy; // null: as the loss says
    private Optimizer optimizer;
    private DataLoader train;
    private Dataset test;
    private HeldOut heldOut = HeldOut.TEST;
    private ReduceOnPlateau plateau;
    private int epochs;
    private int evalBatchSize = 1000;
    private boolean evaluateTrainingSet;
    private LearningRateSchedule schedule;
    private Interval scheduleInterval;
    private double clipNorm;
    private boolean captureSteps;
    private int patience;
    private Path csvFile;
    private Path bestCheckpointFile;
    private Path chartFile;
    private String chartTitle;
    private Path checkpointFile;
    private Map<String, String> checkpointMetadata = Map.of();
    private ChartWriter chartWriter; // null: LossChart's, ChartListener's default
    private final List<TrainingListener> outputs = new ArrayList<>();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<OutputLock> heldLocks = new ArrayList<>();

    private Builder() {}

    /** The model to train (required). */
    public Builder model(Module model) {
      this.model = checkNotNull(model, "model is null");
      return this;
    }

    /**
     * The loss, e.g. {@code Losses::softmaxCrossEntropyLabels}; a classification loss
     * ({@link LossFunction#isClassification}) has its accuracy reported.
     */
    public Builder loss(LossFunction loss) {
      this.loss = checkNotNull(loss, "loss is null");
      return this;
    }

    /**
     * Reports accuracy, or not, whatever the loss says (by default a classification loss's is
     * reported, a regression's not); reported where the shapes make it meaningless, the first
     * batch fails naming them.
     */
    public Builder accuracy(boolean report) {
      this.accuracy = report;
      return this;
    }

    /** The optimizer, built on the model's parameters. */
    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = checkNotNull(optimizer, "optimizer is null");
      return this;
    }

    /** Where the mini-batches come from; its batch size and seed apply. */
    public Builder train(DataLoader train) {
      this.train = checkNotNull(train, "train loader is null");
      return this;
    }

    /** The held-out set evaluated after every epoch; without one, test metrics are NaN. */
    public Builder test(Dataset test) {
      checkState(this.test == null || heldOut == HeldOut.TEST, "validation(...) was given; "
          + "give the held-out set once, as test(...) or validation(...)");
      this.test = checkNotNull(test, "test set is null; leave test() out to skip testing");
      return this;
    }

    /**
     * A validation split of the training data ({@code Dataset.randomSplit}), evaluated after
     * every epoch in place of a test set: the same metrics ({@code EpochMetrics.testLoss} and
     * so on, what {@link #earlyStopping} and {@link #bestCheckpointTo} watch), called
     * "validation" in the log ({@code val loss}), the CSV ({@code val_loss, val_accuracy}) and
     * the chart. Evaluate the test set once, after training ({@link Evaluator}).
     */
    public Builder validation(Dataset validation) {
      checkState(this.test == null || heldOut == HeldOut.VALIDATION, "test(...) was given; give "
          + "the held-out set once, as test(...) or validation(...)");
      this.test = checkNotNull(validation,
          "validation set is null; leave validation() out to skip validating");
      this.heldOut = HeldOut.VALIDATION;
      return this;
    }

    /** Total number of epochs, those of a resumed checkpoint included. */
    public Builder epochs(int epochs) {
      checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
      this.epochs = epochs;
      return this;
    }

    /**
     * Batch size of the evaluation passes (default 1000). Only memory depends on it, and the loss
     * to float rounding, for a loss whose mean is over the samples or that reports its
     * {@link LossFunction#meanWeight} ({@link LossFunction#crossEntropy}); a weighted loss of
     * its own that reports nothing gives a held-out loss that depends on it (the size-weighted
     * mean of the batches' losses).
     */
    public Builder evalBatchSize(int size) {
      checkArgument(size > 0, "evaluation batch size must be positive, got %s", size);
      this.evalBatchSize = size;
      return this;
    }

    /**
     * Also measures the whole training set in evaluation mode ({@code model.eval()}: Dropout
     * off, BatchNorm's running statistics) after every epoch, as the test set is, and reports
     * it as {@code EpochMetrics.trainEvalLoss}/{@code trainEvalAccuracy}: metrics.csv's
     * {@code train_eval_loss, train_eval_accuracy} columns, the chart's "train (eval mode)"
     * curves and the epoch line's {@code train (eval mode)} figures. Off by default. This is the
     * book's train accuracy (Fig. 6-22): the default {@code trainAccuracy} is the running mean
     * over the epoch's steps in training mode, which for a Dropout net lies well below what the
     * trained model scores, even below the test accuracy. It costs one more forward pass over
     * the training set per epoch (no backward; batches of {@link #evalBatchSize}), the loader's
     * data set as stored (no augmentation). A checkpoint's history keeps the six measures only,
     * so the epochs a resumed run restores have these empty.
     */
    public Builder evaluateTrainingSet(boolean evaluate) {
      this.evaluateTrainingSet = evaluate;
      return this;
    }

    /**
     * Sets the optimizer's learning rate by {@code schedule}, from the rate it has when
     * {@link #build} is called, when each epoch starts ({@link Interval#EPOCH}) or before each
     * step ({@link Interval#STEP}, counted across epochs). The rate follows from the count, so a
     * run resumed from a checkpoint continues the schedule where it was.
     */
    public Builder schedule(LearningRateSchedule schedule, Interval interval) {
      this.schedule = checkNotNull(schedule, "schedule is null");
      this.scheduleInterval = checkNotNull(interval, "interval is null; EPOCH or STEP");
      return this;
    }

    /**
     * Clips the gradients to the global norm {@code maxNorm} before each step
     * ({@link GradClip#clipGlobalNormOnDevice}: nothing read from the device).
     */
    public Builder clipGradients(double maxNorm) {
      checkArgument(maxNorm > 0 && Double.isFinite(maxNorm),
          "gradient clipping: maxNorm must be positive and finite, got %s", maxNorm);
      this.clipNorm = maxNorm;
      return this;
    }

    /**
     * Replays each training step, from the batch's gather to the update, as a captured graph
     * where the parameters' backend can capture ({@link GraphCapture}: the CUDA backend's CUDA
     * graphs; elsewhere steps run as usual): an index copy and one launch per step instead of
     * some twenty launches for a small model, the same bits. Per batch size (and learning rate,
     * for optimizers that pass it as a scalar), the first step runs as usual, the second is
     * captured, the rest replay it (the learning rate, Adam's and AdamW's bias corrections and
     * Dropout's mask counter are filled in before each launch). With an optimizer whose step
     * cannot be replayed ({@link dev.jgrad.optim.Optimizer#whyNotCapturable}) or training data on
     * another backend than the parameters, the steps run as usual, with a warning; a per-step
     * schedule is refused by {@link #build} unless the optimizer's captured step reads the
     * learning rate at each launch
     * ({@link dev.jgrad.optim.Optimizer#capturedStepReadsLearningRate}: the built-in optimizers,
     * on a backend with fused updates); anything else the step does that a graph cannot hold (a
     * read of a value on the host) fails the capture, and so {@link Trainer#fit}, saying what.
     * Default off.
     */
    public Builder captureSteps(boolean capture) {
      this.captureSteps = capture;
      return this;
    }

    /**
     * Stops training when the held-out loss has not improved on its lowest for {@code patience}
     * epochs in a row (Keras's {@code EarlyStopping} on {@code val_loss}); {@link #fit} then
     * returns the history so far, and the listeners hear {@code onTrainingEnd} as usual. The
     * loss monitored is that of the held-out set: the one given to {@link #validation}, or else
     * to {@link #test} ({@link #build} refuses early stopping with neither). To keep the test set
     * unseen until the end, give a validation split of the training data
     * ({@code Dataset.randomSplit}, the book's 6.5) to {@link #validation} and evaluate the test
     * set once after training ({@link Evaluator}). The model left in memory is the last epoch's,
     * as with Keras's default; with {@link #bestCheckpointTo} the best epoch's is kept, for
     * {@code Checkpoint.load(file).restoreModel(model)}.
     */
    public Builder earlyStopping(int patience) {
      checkArgument(patience > 0, "early stopping: patience must be at least 1 epoch, got %s; "
          + "leave earlyStopping out to train every epoch", patience);
      this.patience = patience;
      return this;
    }

    /**
     * Lowers the learning rate by the plateau rule before each epoch, from the held-out losses so
     * far (PyTorch's {@code ReduceLROnPlateau}); needs a held-out set ({@link #validation}, so that
     * the test set is not tuned on) and no {@link #schedule}.
     */
    public Builder reduceOnPlateau(ReduceOnPlateau plateau) {
      this.plateau = checkNotNull(plateau, "plateau is null; leave reduceOnPlateau out");
      return this;
    }

    /**
     * Saves a checkpoint to {@code file} after each epoch whose held-out loss (that of the
     * {@link #validation} set, or else of the {@link #test} set) is the lowest so far
     * (atomically, the format of {@link #checkpointTo}: {@link Checkpoint#load} restores the
     * best model, and {@link Trainer#resumeFrom} continues from it). Needs one of the two
     * ({@link #build} refuses it with neither). A resumed run's file is made to hold the best
     * epoch so far at {@link Trainer#resumeFrom}, which may take it from the earlier run's.
     */
    public Builder bestCheckpointTo(Path file) {
      this.bestCheckpointFile = checkNotNull(file, "best checkpoint file is null");
      return this;
    }

    /**
     * Writes {@value #CSV_FILE} into {@code dir} after every epoch and the chart
     * {@value #CHART_FILE}, titled {@code title}, at the end: {@link #csvTo} and {@link #chartTo}
     * in one directory. Without the chart: {@code csvTo(dir.resolve(Trainer.CSV_FILE))}.
     */
    public Builder reportTo(Path dir, String title) {
      checkNotNull(dir, "report directory is null");
      return csvTo(dir.resolve(CSV_FILE)).chartTo(dir.resolve(CHART_FILE), title);
    }

    /**
     * Writes the metrics as CSV to {@code file} after every epoch, atomically
     * ({@link CsvReportListener}); a second call replaces the file.
     */
    public Builder csvTo(Path file) {
      this.csvFile = checkNotNull(file, "CSV file is null");
      return this;
    }

    /**
     * Draws the chart, titled {@code title}, to {@code file} at the end ({@link ChartListener}:
     * a runtime without AWT's fonts costs only the chart); a second call replaces the file.
     */
    public Builder chartTo(Path file, String title) {
      this.chartFile = checkNotNull(file, "chart file is null");
      this.chartTitle = checkNotNull(title, "title is null");
      return this;
    }

    /**
     * Saves a checkpoint to {@code file} after every epoch, atomically ({@link CheckpointListener},
     * for {@link Trainer#resumeFrom}), and at the end of a resumed run that had no epoch left to
     * train when the file is not there yet; a second call replaces the file.
     */
    public Builder checkpointTo(Path file) {
      this.checkpointFile = checkNotNull(file, "checkpoint file is null");
      return this;
    }

    /**
     * Adds {@code metadata} to every checkpoint this trainer writes ({@link #checkpointTo},
     * {@link #bestCheckpointTo}), for the application's own use: such as the settings of the run,
     * which a program that resumes it can read back ({@link Checkpoint#metadata}) and compare
     * with its own. Keys must not be the checkpoint's ({@link Checkpoint#save}) or the trainer's
     * ({@code history}, {@code held_out}, {@code best_checkpoint}); a second call replaces the
     * first.
     *
     * <pre>{@code
     * builder.checkpointMetadata(Map.of("my_app.options", "lr=0.5 batch=100"));
     * }</pre>
     */
    public Builder checkpointMetadata(Map<String, String> metadata) {
      checkNotNull(metadata, "checkpoint metadata is null; pass Map.of() for none");
      metadata.forEach((key, value) -> {
        checkArgument(key != null && value != null, "checkpoint metadata %s=%s: neither key nor "
            + "value may be null", key, value);
        Checkpoint.checkCallersKey(key);
        checkArgument(!key.equals(HistoryMetadata.KEY) && !key.equals(HistoryMetadata.HELD_OUT_KEY)
            && !key.equals(ResumedBest.KEY), "metadata key '%s' is one the trainer writes itself "
            + "(%s, %s, %s); rename it", key, HistoryMetadata.KEY, HistoryMetadata.HELD_OUT_KEY,
            ResumedBest.KEY);
      });
      this.checkpointMetadata = Map.copyOf(metadata);
      return this;
    }

    /**
     * Adds an output: a listener that, like those of {@link #csvTo}, {@link #checkpointTo} and
     * {@link #chartTo} (which come first), hears each callback before the listeners of
     * {@link #listener} do, so that one of those that throws cannot lose what it writes.
     */
    public Builder output(TrainingListener output) {
      outputs.add(checkNotNull(output, "output is null"));
      return this;
    }

    /** Adds a listener; listeners hear each callback after the outputs, in the order added. */
    public Builder listener(TrainingListener listener) {
      listeners.add(checkNotNull(listener, "listener is null"));
      return this;
    }

    /**
     * A lock the caller holds, and keeps holding after {@link Trainer#fit}, on a directory the
     * outputs write (a program that locks its output directory before loading data): the
     * trainer does not lock that directory again.
     */
    public Builder outputLock(OutputLock held) {
      heldLocks.add(checkNotNull(held, "output lock is null"));
      return this;
    }

    /**
     * For tests only: replaces {@link LossChart#write} in the chart output, e.g. with one that
     * fails as AWT can.
     */
    Builder chartWriter(ChartWriter writer) {
      this.chartWriter = checkNotNull(writer, "chart writer is null");
      return this;
    }

    /**
     * Every listener in calling order: the CSV, the checkpoint, the best checkpoint, the chart
     * (the order the trainer always wrote them in), the other outputs, then the listeners.
     */
    private List<TrainingListener> allListeners(Supplier<Map<String, String>> heldOutMetadata) {
      Map<String, String> own = checkpointMetadata; // as at build(), whatever the builder does next
      Supplier<Map<String, String>> saved = () -> withOwn(own, heldOutMetadata.get());
      List<TrainingListener> all = new ArrayList<>();
      if (csvFile != null) {
        all.add(new CsvReportListener(csvFile));
      }
      // the best first: a run stopped between the two saves then resumes from a checkpoint whose
      // best epoch's model is saved, not from one ahead of the best file
      if (bestCheckpointFile != null) {
        all.add(new CheckpointListener(bestCheckpointFile, model, optimizer, true, saved));
      }
      if (checkpointFile != null) {
        all.add(new CheckpointListener(checkpointFile, model, optimizer, false,
            bestCheckpointFile == null ? saved : () -> withBestFile(saved)));
      }
      if (chartFile != null) {
        all.add(chartWriter == null ? new ChartListener(chartFile, chartTitle)
            : new ChartListener(chartFile, chartTitle, chartWriter));
      }
      all.addAll(outputs);
      all.addAll(listeners);
      return List.copyOf(all);
    }

    /** The trainer's metadata, {@code trainers}, with the caller's, {@code own}. */
    private static Map<String, String> withOwn(Map<String, String> own,
        Map<String, String> trainers) {
      if (own.isEmpty()) {
        return trainers;
      }
      Map<String, String> metadata = new HashMap<>(own);
      metadata.putAll(trainers);
      return metadata;
    }

    /** {@code saved}'s metadata and where the best checkpoint is, for a later resume. */
    private Map<String, String> withBestFile(Supplier<Map<String, String>> saved) {
      Map<String, String> metadata = new HashMap<>(saved.get());
      metadata.put(ResumedBest.KEY, ResumedBest.relativePath(checkpointFile, bestCheckpointFile));
      return metadata;
    }

    private List<Path> outputFiles() {
      List<Path> files = new ArrayList<>();
      for (Path f : new Path[] {csvFile, checkpointFile, bestCheckpointFile, chartFile}) {
        if (f != null) {
          files.add(f);
        }
      }
      return files;
    }

    /**
     * An optimizer built on another model's parameters would leave this one untrained, silently.
     * Some may be left out (frozen layers); not all.
     */
    private void checkOptimizerCoversModel() {
      List<Tensor> optimized = optimizer.parameters();
      if (optimized.isEmpty()) {
        return; // an optimizer that does not say which tensors it updates
      }
      Set<Tensor> updated = Collections.newSetFromMap(new IdentityHashMap<>());
      updated.addAll(optimized);
      Map<String, Tensor> own = model.namedParameters();
      checkState(own.isEmpty() || own.values().stream().anyMatch(updated::contains),
          "the optimizer updates none of the model's parameters (%s): it was built on another "
              + "model's; build it from this model's namedParameters()", abbreviated(own.keySet()));
    }

    private static String abbreviated(Set<String> names) {
      List<String> first = names.stream().limit(4).toList();
      return String.join(", ", first) + (names.size() > first.size() ? ", ..." : "");
    }

    /**
     * A schedule that reaches a rate of 0 (a cosine to 0 shorter than the run) would fail at that
     * epoch or step, maybe hours in: fail now, with the count. Runs of more than ten million
     * steps are checked over their first ten million.
     */
    private void checkScheduleRates() {
      if (schedule == null) {
        return;
      }
      long counts = scheduleInterval == Interval.EPOCH ? epochs
          : (long) epochs * train.batchCount();
      double base = optimizer.learningRate();
      String unit = scheduleInterval == Interval.EPOCH ? "epoch" : "step";
      for (long t = 0; t < Math.min(counts, 10_000_000L); t++) {
        double rate = schedule.rate(base, t);
        if (!(rate > 0 && Double.isFinite(rate))) {
          throw new IllegalStateException(schedule + " gives the learning rate " + rate + " at "
              + unit + " " + t + " (counted from 0) of the " + counts + " this run takes (base "
              + base + "); an optimizer needs a positive rate: give the schedule a longer period "
              + "or a minimum rate above 0");
        }
      }
    }

    /** Two outputs writing one file would leave only the last one's, silently. */
    private void checkDistinctOutputs() {
      String[] what = {"csvTo", "checkpointTo", "bestCheckpointTo", "chartTo"};
      Path[] files = {csvFile, checkpointFile, bestCheckpointFile, chartFile};
      for (int i = 0; i < files.length; i++) {
        for (int j = i + 1; j < files.length; j++) {
          if (files[i] != null && files[j] != null && files[i].toAbsolutePath().normalize()
              .equals(files[j].toAbsolutePath().normalize())) {
            throw new IllegalStateException(what[i] + " and " + what[j] + " both write "
                + files[i].toAbsolutePath().normalize() + "; give each output its own file");
          }
        }
      }
    }

    /** The trainer; a required setting missing is an IllegalStateException that names it. */
    public Trainer build() {
      checkState(model != null, "call model(...) before build()");
      checkState(loss != null,
          "call loss(...) before build(), e.g. Losses::softmaxCrossEntropyLabels");
      checkState(optimizer != null, "call optimizer(...) before build()");
      checkState(train != null, "call train(DataLoader) before build()");
      checkState(epochs > 0, "call epochs(n) before build()");
      checkOptimizerCoversModel();
      checkDistinctOutputs();
      checkScheduleRates();
      checkState(test != null || (patience == 0 && bestCheckpointFile == null && plateau == null),
          "%s monitors the held-out loss, but there is no held-out set; call validation(Dataset) "
          + "with a split of the training data (Dataset.randomSplit), or test(Dataset)",
          patience > 0 ? "earlyStopping(" + patience + ")" : bestCheckpointFile != null
              ? "bestCheckpointTo(...)" : "reduceOnPlateau(...)");
      checkState(plateau == null || schedule == null, "reduceOnPlateau(...) and schedule(...) "
          + "both set the learning rate; give one of them");
      checkState(!captureSteps || schedule == null || scheduleInterval != Interval.STEP
          || optimizer.capturedStepReadsLearningRate(), "captureSteps(true) with %s replays the "
          + "learning rate it captured, so it cannot follow a schedule that changes the rate "
          + "every step; schedule per epoch (Interval.EPOCH), use a built-in optimizer and a "
          + "backend with fused updates (such as cpu and cuda: their captured steps read the rate "
          + "at each launch), or leave captureSteps off", optimizer);
      return new Trainer(this);
    }
  }
}
