package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import dev.jgrad.data.Batch;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.LossChart;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a classifier for a number of epochs: mini-batches from a {@link DataLoader}, a loss, an
 * optimizer; after each epoch the training loss and accuracy (means over the epoch's batches) and
 * the test loss and accuracy (a full pass over the test set), handed to the listeners. Optionally
 * writes the metrics as CSV after every epoch and a PNG chart at the end, and a checkpoint after
 * every epoch that {@link #resumeFrom} continues exactly. A runtime that cannot draw the chart (no
 * fonts, no AWT native library) costs only the chart: a warning, and the run completes.
 *
 * <pre>{@code
 * Sequential model = Mlp.builder().input(784).hidden(100).output(10).seed(42).build();
 * Trainer trainer = Trainer.builder()
 *     .model(model)
 *     .loss(Losses::softmaxCrossEntropyLabels)
 *     .optimizer(new Sgd(model.namedParameters(), 0.1))
 *     .train(DataLoader.builder(trainSet).batchSize(100).seed(42).build())
 *     .test(testSet)
 *     .epochs(10)
 *     .reportTo(Path.of("out/mnist"), "MNIST 784-100-10")   // metrics.csv, training.png
 *     .checkpointTo(Path.of("out/mnist/checkpoint.safetensors"))
 *     .listener(new EpochLogger())
 *     .build();
 * MetricsHistory history = trainer.fit();
 * }</pre>
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
  /** Names of the files {@link Builder#reportTo} writes. */
  public static final String CSV_FILE = "metrics.csv";
  public static final String CHART_FILE = "training.png";

  private static final Logger log = LoggerFactory.getLogger(Trainer.class);

  private final Module model;
  private final LossFunction loss;
  private final Optimizer optimizer;
  private final DataLoader train;
  private final Dataset test;
  private final int epochs;
  private final int evalBatchSize;
  private final Path reportDir;
  private final String title;
  private final Path checkpoint;
  private final List<TrainingListener> listeners;
  private final ChartWriter chartWriter;
  /** Listeners overriding the deprecated per-batch-loss callback, which reads every batch. */
  private final Set<TrainingListener> everyBatchLoss =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private MetricsHistory history = new MetricsHistory();
  private int completedEpochs;

  private Trainer(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.optimizer = b.optimizer;
    this.train = b.train;
    this.test = b.test;
    this.epochs = b.epochs;
    this.evalBatchSize = b.evalBatchSize;
    this.reportDir = b.reportDir;
    this.title = b.title;
    this.checkpoint = b.checkpoint;
    this.listeners = List.copyOf(b.listeners);
    this.chartWriter = b.chartWriter;
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

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a checkpoint written by this kind of trainer: the model's parameters, the optimizer's
   * state and the metrics so far; {@link #fit()} then continues with the next epoch, seeing the
   * same batches as a run that never stopped.
   */
  public Trainer resumeFrom(Path file) throws IOException {
    Checkpoint c = Checkpoint.load(file);
    checkArgument(c.epoch() <= epochs, "%s was saved after epoch %s, beyond the %s epochs asked"
        + " for; ask for more epochs to continue it", file, c.epoch(), epochs);
    c.restoreModel(model);
    c.restoreOptimizer(optimizer);
    String saved = c.metadata().get(HistoryMetadata.KEY);
    history = saved == null ? new MetricsHistory() : HistoryMetadata.decode(saved, file.toString());
    completedEpochs = c.epoch();
    return this;
  }

  /** Epochs completed so far (by {@link #fit} or the checkpoint resumed from). */
  public int completedEpochs() {
    return completedEpochs;
  }

  /** The metrics so far. */
  public MetricsHistory history() {
    return history;
  }

  /** Trains the remaining epochs and returns the metrics of every epoch. */
  public MetricsHistory fit() throws IOException {
    while (completedEpochs < epochs) {
      EpochMetrics m = runEpoch(completedEpochs);
      history.add(m);
      completedEpochs++;
      if (reportDir != null) {
        CsvReport.write(reportDir.resolve(CSV_FILE), history);
      }
      if (checkpoint != null) {
        Checkpoint.save(checkpoint, model, optimizer, completedEpochs,
            Map.of(HistoryMetadata.KEY, HistoryMetadata.encode(history)));
      }
      for (TrainingListener l : listeners) {
        l.onEpochEnd(m, history);
      }
    }
    if (reportDir != null && !history.isEmpty()) {
      CsvReport.write(reportDir.resolve(CSV_FILE), history);
      writeChart(reportDir.resolve(CHART_FILE));
    }
    for (TrainingListener l : listeners) {
      l.onTrainingEnd(history);
    }
    return history;
  }

  /**
   * Draws the chart, which needs AWT's fonts and native libraries: on a runtime missing them
   * (no libfreetype, a jlinked image without fonts, broken fontconfig) AWT throws errors, and
   * losing the chart must not lose hours of training. An IOException (the disk) still propagates.
   */
  private void writeChart(Path file) throws IOException {
    try {
      chartWriter.write(file, history, title);
    } catch (RuntimeException | Error e) {
      if (e instanceof Error && !isAwtFailure((Error) e)) {
        throw e; // OutOfMemoryError, StackOverflowError: not the runtime's fonts
      }
      log.warn("{} not written ({}): the chart needs AWT and its fonts; {} {} kept",
          CHART_FILE, e, CSV_FILE, checkpoint != null ? "and the checkpoint are" : "is");
    }
  }

  /**
   * LinkageError, InternalError or java.awt.AWTError, the last by name: naming it in a catch
   * would make loading Trainer need the java.desktop module, which a jlinked runtime may lack.
   */
  private static boolean isAwtFailure(Error e) {
    return e instanceof LinkageError || e instanceof InternalError
        || e.getClass().getName().equals("java.awt.AWTError");
  }

  /** One pass over the training data (0-based {@code epoch}) and the evaluation after it. */
  private EpochMetrics runEpoch(int epoch) {
    long start = System.nanoTime();
    int batches = train.batchCount();
    for (TrainingListener l : listeners) {
      l.onEpochStart(epoch + 1, epochs, batches, train.samplesPerEpoch());
    }
    BatchMetrics metrics = new BatchMetrics(batches, (batch, value) -> {
      throw new IllegalStateException(String.format("the loss became %s at epoch %s, batch %s;"
          + " lower the learning rate (now %s)", value, epoch + 1, batch,
          optimizer.learningRate()));
    });
    double trainLoss;
    double trainAccuracy;
    try (metrics) {
      for (Batch batch : train.epoch(epoch)) {
        // The batch and every tensor the step computes (activations, gradients, temporaries)
        // are released when the step ends, so memory does not wait for the garbage collector.
        // The loss and the correct count are copied out on the device first: nothing here waits
        // for it.
        try (batch; TensorScope step = TensorScope.open()) {
          Tensor output = model.forward(batch.inputs());
          Tensor l = loss.compute(output, batch.targets());
          l.backward();
          optimizer.step();
          model.zeroGrad();
          try (NoGrad ignored = NoGrad.scope()) {
            metrics.record(l, Evaluator.countCorrectOnDevice(output, batch.targets()),
                batch.size());
          }
        }
        notifyBatchEnd(metrics.progress(epoch + 1, metrics.recorded()));
      }
      trainLoss = metrics.meanLoss(metrics.recorded());
      trainAccuracy = metrics.accuracy(metrics.recorded());
    }
    double testLoss = Double.NaN;
    double testAccuracy = Double.NaN;
    if (test != null) {
      Evaluation e = Evaluator.evaluate(model, test, loss, evalBatchSize);
      testLoss = e.loss();
      testAccuracy = e.accuracy();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds);
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

  /** Writes the chart: {@link LossChart#write}; tests stand in for a runtime without AWT. */
  @FunctionalInterface
  interface ChartWriter {
    void write(Path file, MetricsHistory history, String title) throws IOException;
  }

  /** Options of a {@link Trainer}; model, loss, optimizer, training data, epochs are required. */
  public static final class Builder {
    private Module model;
    private LossFunction loss;
    private Optimizer optimizer;
    private DataLoader train;
    private Dataset test;
    private int epochs;
    private int evalBatchSize = 1000;
    private Path reportDir;
    private String title = "training";
    private Path checkpoint;
    private final List<TrainingListener> listeners = new ArrayList<>();
    // a lambda, not LossChart::write, which would link LossChart, and so AWT, in builder()
    private ChartWriter chartWriter = (file, history, title) -> LossChart.write(file, history,
        title);

    private Builder() {}

    public Builder model(Module model) {
      this.model = checkNotNull(model, "model is null");
      return this;
    }

    /** The loss, e.g. {@code Losses::softmaxCrossEntropyLabels}. */
    public Builder loss(LossFunction loss) {
      this.loss = checkNotNull(loss, "loss is null");
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
      this.test = checkNotNull(test, "test set is null; leave test() out to skip testing");
      return this;
    }

    /** Total number of epochs, those of a resumed checkpoint included. */
    public Builder epochs(int epochs) {
      checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
      this.epochs = epochs;
      return this;
    }

    /** Batch size of the evaluation passes (default 1000; only memory depends on it). */
    public Builder evalBatchSize(int size) {
      checkArgument(size > 0, "evaluation batch size must be positive, got %s", size);
      this.evalBatchSize = size;
      return this;
    }

    /**
     * Writes {@value #CSV_FILE} into {@code dir} after every epoch and the chart
     * {@value #CHART_FILE}, titled {@code title}, at the end.
     */
    public Builder reportTo(Path dir, String title) {
      this.reportDir = checkNotNull(dir, "report directory is null");
      this.title = checkNotNull(title, "title is null");
      return this;
    }

    /** Saves a checkpoint to {@code file} after every epoch (atomically). */
    public Builder checkpointTo(Path file) {
      this.checkpoint = checkNotNull(file, "checkpoint file is null");
      return this;
    }

    public Builder listener(TrainingListener listener) {
      listeners.add(checkNotNull(listener, "listener is null"));
      return this;
    }

    /** For tests only: replaces {@link LossChart#write}, e.g. with one that fails as AWT can. */
    Builder chartWriter(ChartWriter writer) {
      this.chartWriter = checkNotNull(writer, "chart writer is null");
      return this;
    }

    public Trainer build() {
      checkState(model != null, "call model(...) before build()");
      checkState(loss != null,
          "call loss(...) before build(), e.g. Losses::softmaxCrossEntropyLabels");
      checkState(optimizer != null, "call optimizer(...) before build()");
      checkState(train != null, "call train(DataLoader) before build()");
      checkState(epochs > 0, "call epochs(n) before build()");
      return new Trainer(this);
    }
  }
}
