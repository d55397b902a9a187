package dev.jgrad.examples.mnist;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.Augmentation;
import dev.jgrad.data.DataLoader;
import dev.jgrad.data.Dataset;
import dev.jgrad.data.RandomRotation;
import dev.jgrad.data.RandomShift;
import dev.jgrad.io.LabeledImages;
import dev.jgrad.io.MnistDataset;
import dev.jgrad.io.OutputLock;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import dev.jgrad.onnx.OnnxExporter;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.schedule.LearningRateSchedule;
import dev.jgrad.optim.schedule.LearningRateScheduler.Interval;
import dev.jgrad.train.Checkpoint;
import dev.jgrad.train.DivergedLossException;
import dev.jgrad.train.EpochLogger;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.Evaluator;
import dev.jgrad.train.HeldOutMismatchException;
import dev.jgrad.train.HistoryMetadata;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.report.CsvReport;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.HeldOut;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job as a method: loads the data set {@code --dataset} names ({@link DataSource}), builds the MLP, the
 * SimpleConvNet or the DeepConvNet ({@code --model}) and the
 * optimizer the options ask for, trains with a progress display and per-epoch metrics, and writes
 * {@code metrics.csv}, {@code training.png} and {@code checkpoint.safetensors} to {@code --out}.
 *
 * <pre>{@code
 * MnistResult r = MnistTraining.run(MnistOptions.parse("--epochs", "3"), progress);
 * r.testAccuracy();
 * }</pre>
 */
public final class MnistTraining {
  /** Where the embedded 8,000 / 2,000 subset lives on the classpath. */
  public static final String EMBEDDED = "/mnist/";
  public static final String CHECKPOINT_FILE = "checkpoint.safetensors";
  /** With {@code --early-stopping}: the best epoch's model, by validation loss. */
  public static final String BEST_CHECKPOINT_FILE = "best.safetensors";

  private static final Logger log = LoggerFactory.getLogger(MnistTraining.class);

  private MnistTraining() {}

  /**
   * Trains as {@code options} say; {@code progress} (may be null) hears every batch. Holds the
   * {@link OutputLock} of {@code --out} throughout, taken before anything else so that an output
   * directory in use or unwritable fails at once; deletes the temporary files of its outputs that
   * killed runs left there.
   */
  public static MnistResult run(MnistOptions options, TrainingListener progress)
      throws IOException {
    return run(options, progress, null);
  }

  /** {@link #run(MnistOptions, TrainingListener)} with a second listener (may be null). */
  static MnistResult run(MnistOptions options, TrainingListener progress,
      TrainingListener watcher) throws IOException {
    try (OutputLock lock = OutputLock.acquire(options.out())) {
      int stale = lock.deleteStaleTempFiles(Trainer.CSV_FILE, Trainer.CHART_FILE, CHECKPOINT_FILE,
          BEST_CHECKPOINT_FILE);
      if (stale > 0) {
        log.info("deleted {} temporary files that killed runs left in {}", stale, options.out());
      }
      return train(options, progress, watcher, lock, RunFolder.check(options));
    }
  }

  /** The loaded data, or the loader's exception as it was thrown. */
  private static MnistDataset await(FutureTask<MnistDataset> loading) throws IOException {
    try {
      return loading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while loading the data");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static MnistResult train(MnistOptions options, TrainingListener progress,
      TrainingListener watcher, OutputLock lock, RunFolder folder) throws IOException {
    // Read the files on another thread while this one creates the backend (loading its native
    // libraries): at start-up the two take similar time and need not wait for each other.
    FutureTask<MnistDataset> loading = new FutureTask<>(() -> options.dataset().load());
    Thread loader = new Thread(loading, "jgrad-data-load");
    loader.setDaemon(true);
    loader.start();
    Backends.current();
    MnistDataset mnist = await(loading);
    if (options.limit() > mnist.train().size()) {
      throw new BadOptionException("--limit " + options.limit() + " is more than the "
          + mnist.train().size() + " training images of " + options.dataset().title()
          + "; give at most " + mnist.train().size() + ", or leave --limit out for all");
    }
    LabeledImages trainImages = options.limit() > 0 && options.limit() < mnist.train().size()
        ? mnist.train().subset(0, options.limit()) : mnist.train();
    int held = options.validation();
    if (held >= trainImages.size()) {
      throw new BadOptionException("--validation " + held + " would hold out all "
          + trainImages.size() + " training images; give at most " + (trainImages.size() - 1));
    }
    int trained = trainImages.size() - held;
    // A batch larger than the data would train on fewer samples per step than asked, silently.
    if (options.batchSize() > trained) {
      throw new BadOptionException("--batch " + options.batchSize() + " is larger than the "
          + trained + " training images" + (held > 0 ? " left after --validation " + held : "")
          + "; use --batch " + trained + " or less");
    }
    Dataset train = Dataset.ofImages(trainImages);
    Dataset validation = null;
    if (held > 0) { // drawn from the seed: the same split on resume
      List<Dataset> parts = train.randomSplit(options.seed(), trained, held);
      train = parts.get(0);
      validation = parts.get(1);
    }
    Dataset test = Dataset.ofImages(mnist.test());
    log.info("data: {} training{} and {} test images of {}x{} of {} ({})", train.size(),
        held > 0 ? ", " + held + " validation" : "", test.size(), mnist.train().rows(),
        mnist.train().cols(), options.dataset().title(),
        options.dataset().dir() == null ? "embedded subset" : options.dataset().dir());

    Module model = options.model() == ModelKind.CNN
        ? SimpleConvNet.create(mnist.train().rows(), mnist.train().cols(), options.hidden().get(0),
            mnist.numClasses(), options.seed())
        : options.model() == ModelKind.DEEP
        ? DeepConvNet.create(mnist.train().rows(), mnist.train().cols(), options.hidden().get(0),
            mnist.numClasses(), options.seed())
        : Mlp.builder().input(trainImages.pixelsPerImage())
            .hidden(options.hidden().stream().mapToInt(Integer::intValue).toArray())
            .output(mnist.numClasses()).activation(options.activation()).seed(options.seed())
            .build();
    Optimizer optimizer = options.createOptimizer(model.namedParameters());
    log.info("model: {} ({} parameters), {}", model, model.parameterCount(), optimizer);

    Path out = options.out();
    Trainer.Builder builder = Trainer.builder()
        .model(model)
        .loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(optimizer)
        .train(loader(train, options, mnist.train().rows(), mnist.train().cols()))
        .epochs(options.epochs())
        .captureSteps(options.captureSteps())
        .reportTo(out, title(options, model))
        .checkpointTo(out.resolve(CHECKPOINT_FILE))
        .checkpointMetadata(Map.of(RecordedOptions.KEY, RecordedOptions.encode(options)))
        .outputLock(lock) // held since before the data was read; not taken twice
        .listener(new EpochLogger());
    if (progress != null) {
      builder.listener(progress);
    }
    if (watcher != null) {
      builder.listener(watcher);
    }
    LearningRateSchedule schedule = options.schedule().create(options.epochs());
    if (schedule != null) {
      builder.schedule(schedule, Interval.EPOCH);
    }
    if (options.schedule().plateau() != null) {
      builder.reduceOnPlateau(options.schedule().plateau());
    }
    Path best = out.resolve(BEST_CHECKPOINT_FILE);
    if (validation == null) {
      builder.test(test);
    } else {
      builder.validation(validation);
      if (options.earlyStopping() > 0) {
        builder.earlyStopping(options.earlyStopping()).bestCheckpointTo(best);
      }
    }
    Trainer trainer = builder.build();
    folder.setAside();
    if (options.resume() != null) {
      Map<String, String> saved = Checkpoint.load(options.resume()).metadata();
      checkSameHeldOutSet(options, saved);
      resume(trainer, options);
      RecordedOptions.differences(saved.get(RecordedOptions.KEY), options, options.resume())
          .ifPresent(log::warn);
      log.info("resumed from {} after epoch {}", options.resume(), trainer.completedEpochs());
    }
    folder.start(options.epochs());
    MetricsHistory history = fit(trainer, options);
    folder.finished();
    MnistResult result = tested(model, history, validation == null ? null : test,
        options.earlyStopping() > 0 ? bestModel(best, history) : null);
    List<String> written = folder.written(); // not an earlier run's files still there
    log.info("wrote {} to {}", written.isEmpty() ? "nothing" : String.join(", ", written),
        out.toAbsolutePath());
    if (options.exportOnnx() != null) {
      // every model takes the flat rows it trained on: [N, pixels]
      OnnxExporter.export(model, new int[] {trainImages.pixelsPerImage()}, options.exportOnnx());
      log.info("wrote the model as ONNX to {}", options.exportOnnx().toAbsolutePath());
    }
    return result;
  }

  /**
   * {@code trainer.fit()}; a loss that became NaN or infinite names {@code --weight-decay} too
   * when it is not 0 (a large decay diverges as a large rate does).
   */
  private static MetricsHistory fit(Trainer trainer, MnistOptions options) throws IOException {
    try {
      return trainer.fit();
    } catch (DivergedLossException e) {
      Double decay = options.weightDecay();
      if (decay == null || decay == 0) {
        throw e;
      }
      throw new IllegalStateException(e.getMessage() + " or --weight-decay (now " + decay + ")",
          e);
    }
  }

  /**
   * Refuses, in the command line's words, to resume a checkpoint (its metadata, {@code metadata})
   * whose epochs were measured on the test set with {@code --validation}, or the other way round (the Trainer would refuse too,
   * in its API's words).
   */
  private static void checkSameHeldOutSet(MnistOptions options, Map<String, String> metadata) {
    String saved = metadata.get(HistoryMetadata.KEY);
    boolean validated = saved != null
        && saved.startsWith(CsvReport.measuresHeader(HeldOut.VALIDATION) + "\n");
    if (saved != null && validated != options.validation() > 0) {
      throw new IllegalArgumentException("--resume " + options.resume() + " was trained "
          + (validated ? "with" : "without") + " --validation; resume it "
          + (validated ? "with --validation N" : "without --validation") + " as well");
    }
  }

  /** {@code trainer} resumed from {@code --resume}; another held-out set is refused in CLI words. */
  private static void resume(Trainer trainer, MnistOptions options) throws IOException {
    try {
      trainer.resumeFrom(options.resume());
    } catch (HeldOutMismatchException e) {
      throw new IllegalArgumentException("--resume " + options.resume() + " was measured on other "
          + (options.validation() > 0 ? "validation images" : "test images") + " than this run's;"
          + " give the --dataset" + (options.validation() > 0 ? ", --limit, --validation and --seed"
          : "") + " of the run that wrote it", e);
    }
  }

  /**
   * The best epoch's model file, {@code best}, when it holds that epoch (a resumed run's
   * {@code Trainer} copied it there when the best epoch came before the checkpoint, from the
   * earlier run's best file, or said why it could not); null when it does not (the run then
   * tests the last epoch's model and says so).
   */
  private static Path bestModel(Path best, MetricsHistory history) throws IOException {
    int epoch = history.bestTestLoss().map(EpochMetrics::epoch).orElse(-1);
    if (epoch < 0) {
      log.warn("no epoch had a finite validation loss; testing the last epoch's model");
      return null;
    }
    if (Files.exists(best) && Checkpoint.load(best).epoch() == epoch) {
      return best;
    }
    log.warn("the best epoch's model (epoch {}) is not in {}; testing the last epoch's model "
        + "instead", epoch, best);
    return null;
  }

  /**
   * The run's test figures: the last epoch's own without a validation split ({@code test}
   * null); else {@code test} evaluated once now, on the best epoch's model restored from
   * {@code best} when early stopping saved one, or on the last epoch's.
   */
  private static MnistResult tested(Module model, MetricsHistory history, Dataset test,
      Path best) throws IOException {
    if (history.isEmpty()) {
      return new MnistResult(history, 0, Double.NaN, Double.NaN);
    }
    if (test == null) {
      return new MnistResult(history, history.last().epoch(), history.last().testLoss(),
          history.last().testAccuracy());
    }
    int epoch = history.last().epoch();
    if (best != null && history.bestTestLoss().isPresent()) {
      Checkpoint.load(best).restoreModel(model);
      epoch = history.bestTestLoss().get().epoch();
    }
    Evaluation e = Evaluator.evaluate(model, test, Losses::softmaxCrossEntropyLabels, 1000);
    log.info(String.format(Locale.ROOT, "test set: loss %.4f, accuracy %.2f%% (epoch %d's model)",
        e.loss(), 100 * e.accuracy(), epoch));
    return new MnistResult(history, epoch, e.loss(), e.accuracy());
  }

  /** The chart's title: data set, network, optimizer and its settings, batch, backend. */
  static String title(MnistOptions o, Module model) {
    String sizes = model.namedParameters().entrySet().stream()
        .filter(e -> e.getKey().endsWith(".bias"))
        .map(e -> Integer.toString(e.getValue().shape().dim(0)))
        .collect(Collectors.joining("-"));
    Backend backend = model.parameters().get(0).backend();
    String net = o.model() == ModelKind.CNN
        ? "SimpleConvNet conv" + SimpleConvNet.FILTERS + "x" + SimpleConvNet.KERNEL + "x"
            + SimpleConvNet.KERNEL + "-" + sizes.substring(sizes.indexOf('-') + 1) + " relu"
        : o.model() == ModelKind.DEEP
        ? "DeepConvNet conv3x3 16-16-32-32-64-64, affine " + o.hidden().get(0) + " relu, dropout "
            + DeepConvNet.DROPOUT
        : "MLP " + model.parameters().get(0).shape().dim(0) + "-" + sizes + " "
            + o.activation().cliName();
    return o.dataset().title() + " " + net + ", " + o.optimizer().cliName() + " lr "
        + o.learningRate()
        + (o.schedule() == ScheduleChoice.CONSTANT ? "" : " " + o.schedule())
        + (o.weightDecay() == null ? "" : " weight decay " + o.weightDecay())
        + ", batch " + o.batchSize() + (o.augment() > 0 ? ", augment " + o.augment() : "")
        + (o.rotate() > 0 ? ", rotate " + o.rotate() : "")
        + " (" + backend.name() + ")";
  }

  /**
   * The training batches: shuffled from the seed, moved at random with {@code --augment}, turned
   * with {@code --rotate}.
   */
  private static DataLoader loader(Dataset train, MnistOptions options, int rows, int cols) {
    DataLoader.Builder b = DataLoader.builder(train).batchSize(options.batchSize())
        .seed(options.seed());
    Augmentation augmentation = null;
    if (options.augment() > 0) {
      if (options.augment() >= Math.min(rows, cols)) {
        throw new BadOptionException("--augment " + options.augment() + " would move the "
            + rows + "x" + cols + " images out of themselves; give 0 to "
            + (Math.min(rows, cols) - 1));
      }
      augmentation = new RandomShift(rows, cols, options.augment());
    }
    if (options.rotate() > 0) {
      RandomRotation rotation = new RandomRotation(rows, cols, options.rotate());
      augmentation = augmentation == null ? rotation : augmentation.andThen(rotation);
    }
    if (augmentation != null) {
      b.augment(augmentation);
    }
    return b.build();
  }
}
