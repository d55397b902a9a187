package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.IoMessages;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleTypes;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training checkpoint in the safetensors format: the model's parameters and buffers under their
 * names ({@code "0.weight"}, {@code "1.running_mean"}, ...), the optimizer's state as tensors named
 * {@code "optimizer.<slot>.<param>"}, and in the string metadata the epochs completed, the
 * optimizer kind and counters, each Dropout layer's mask counter, and whatever the caller adds.
 * When every module of the model has a registered type, the metadata also holds the model's
 * description ({@value Model#DESCRIPTION_KEY}), from which {@link Model#load} rebuilds it without
 * the code that built it. Any safetensors reader opens it; in PyTorch
 * {@code safetensors.torch.load_file(path)} gives the tensors by name (note that jgrad's
 * {@link dev.jgrad.nn.Linear} weight is {@code [in, out]}, the transpose of PyTorch's:
 * {@link TorchStateDict} writes and reads PyTorch's layout).
 *
 * <p>Saving is atomic (write, then rename), so a crash while saving keeps the previous checkpoint.
 * Loading checks that every parameter is there with the same shape and dtype, and names the
 * tensor and both shapes when one is not.
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("out/mnist/checkpoint.safetensors"), model, optimizer, 5, Map.of());
 *
 * Checkpoint c = Checkpoint.load(Path.of("out/mnist/checkpoint.safetensors"));
 * c.restoreModel(model);          // parameters, checked
 * c.restoreOptimizer(optimizer);  // moments, counters and learning rate
 * int next = c.epoch();           // epochs completed: continue from here
 * }</pre>
 */
public final class Checkpoint {
  private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);

  /** Metadata key and value marking a jgrad checkpoint. */
  public static final String FORMAT_KEY = "format";
  /** The value of {@link #FORMAT_KEY} in this version's checkpoints. */
  public static final String FORMAT = "jgrad-checkpoint-1";
  /** Metadata key of the number of epochs completed. */
  public static final String EPOCH_KEY = "epoch";
  /** Metadata key of the optimizer's kind. */
  public static final String OPTIMIZER_KEY = "optimizer";
  /** Prefix of the optimizer's tensors and of its counters in the metadata. */
  public static final String OPTIMIZER_PREFIX = "optimizer.";
  /**
   * Prefix of each Dropout layer's mask counter in the metadata,
   * {@code "dropout_counter.<path>"} ({@code <path>} as in the parameters' names, e.g.
   * {@code "3"}), so that a resumed run draws the masks an uninterrupted one would.
   */
  public static final String DROPOUT_COUNTER_PREFIX = "dropout_counter.";
  /**
   * Prefix of the optimizer's learning rate ({@code "optimizer_settings.lr"}) and of the settings
   * it was built with ({@link Optimizer#settings()}, e.g. {@code "optimizer_settings.momentum"}),
   * which {@link #restoreOptimizer} sets back or compares.
   */
  public static final String OPTIMIZER_SETTINGS_PREFIX = "optimizer_settings.";
  /** The learning rate's name after {@link #OPTIMIZER_SETTINGS_PREFIX}. */
  private static final String LEARNING_RATE = "lr";

  private final SafeTensorsFile file;
  private final int epoch;

  private Checkpoint(SafeTensorsFile file, int epoch) {
    this.file = file;
    this.epoch = epoch;
  }

  /**
   * Saves {@code model}'s parameters and, unless {@code optimizer} is null, its state, marking
   * {@code epoch} epochs as completed, with no metadata of the caller's.
   *
   * <p>The file is replaced atomically ({@link dev.jgrad.io.AtomicFiles}); a symbolic link is
   * written through and kept. A process killed mid-save leaves a hidden temporary file
   * {@code .NAME.<hex>.tmp} beside the file; a program that saves itself (not through the
   * {@code Trainer}, which cleans its own) deletes those at its start, before its first save and
   * while no other process writes the path, with
   * {@code AtomicFiles.deleteStaleTempFiles(path, Instant.now())}.
   */
  public static void save(Path path, Module model, Optimizer optimizer, int epoch)
      throws IOException {
    save(path, model, optimizer, epoch, Map.of());
  }

  /**
   * Saves {@code model}'s parameters and, unless {@code optimizer} is null, its state, marking
   * {@code epoch} epochs as completed. {@code metadata} adds string entries (keys must not clash
   * with the checkpoint's own); null adds none, as a null optimizer saves no optimizer state.
   */
  public static void save(Path path, Module model, Optimizer optimizer, int epoch,
      Map<String, String> metadata) throws IOException {
    checkNotNull(path, "path is null; pass the checkpoint file, e.g. out/checkpoint.safetensors");
    checkNotNull(model, "model is null");
    checkArgument(epoch >= 0, "epoch must be >= 0, got %s", epoch);
    if (metadata == null) {
      metadata = Map.of();
    }
    List<SafeTensor> tensors = new ArrayList<>();
    model.namedState().forEach((name, p) -> tensors.add(toSafeTensor(name, p)));
    metadata.keySet().forEach(Checkpoint::checkCallersKey);
    Map<String, String> meta = new HashMap<>(metadata);
    dropouts(model).forEach((where, d) ->
        meta.put(DROPOUT_COUNTER_PREFIX + where, Long.toString(d.counter())));
    meta.put(FORMAT_KEY, FORMAT);
    meta.put(EPOCH_KEY, Integer.toString(epoch));
    putDescription(meta, model, path);
    if (optimizer != null) {
      OptimizerState state = optimizer.state();
      meta.put(OPTIMIZER_KEY, state.kind());
      state.tensors().forEach((name, t) -> tensors.add(toSafeTensor(OPTIMIZER_PREFIX + name, t)));
      state.values().forEach((k, v) -> meta.put(OPTIMIZER_PREFIX + k, v));
      meta.put(OPTIMIZER_SETTINGS_PREFIX + LEARNING_RATE,
          Double.toString(optimizer.learningRate()));
      optimizer.settings().forEach((k, v) ->
          meta.put(OPTIMIZER_SETTINGS_PREFIX + k, Double.toString(v)));
    }
    SafeTensors.write(path, tensors, meta);
  }

  /** Refuses a caller's metadata key that the checkpoint writes itself, naming those. */
  static void checkCallersKey(String key) {
    checkArgument(!key.equals(FORMAT_KEY) && !key.equals(EPOCH_KEY)
        && !key.equals(OPTIMIZER_KEY) && !key.startsWith(OPTIMIZER_PREFIX)
        && !key.equals(Model.DESCRIPTION_KEY) && !key.startsWith(DROPOUT_COUNTER_PREFIX)
        && !key.startsWith(OPTIMIZER_SETTINGS_PREFIX),
        "metadata key '%s' is one the checkpoint writes itself (%s, %s, %s, %s*, %s, %s*, %s*); "
            + "rename it", key, FORMAT_KEY, EPOCH_KEY, OPTIMIZER_KEY, OPTIMIZER_PREFIX,
        Model.DESCRIPTION_KEY, DROPOUT_COUNTER_PREFIX, OPTIMIZER_SETTINGS_PREFIX);
  }

  /**
   * Puts {@code model}'s description under {@link Model#DESCRIPTION_KEY} when every module has a
   * registered type; a custom Module without one is saved as before: weights only.
   */
  static void putDescription(Map<String, String> meta, Module model, Path path) {
    try {
      Model.describe(model, ModuleTypes.global())
          .ifPresent(description -> meta.put(Model.DESCRIPTION_KEY, description));
    } catch (RuntimeException e) { // a plugin type's describer failed: the weights still matter
      log.warn("{}: saved without a model description, which failed: {}", path, e.toString());
    }
  }


  /** The Dropout layers of {@code model} by path ("" for the model itself), each once. */
  private static Map<String, Dropout> dropouts(Module model) {
    Map<String, Dropout> found = new LinkedHashMap<>();
    model.namedModules().forEach((path, m) -> {
      if (m instanceof Dropout d) {
        found.put(path, d);
      }
    });
    return found;
  }

  /** Copies the values to the host as the file is written, one tensor at a time. */
  static SafeTensor toSafeTensor(String name, Tensor t) {
    return t.dtype() == DType.FLOAT64
        ? SafeTensor.lazyDoubles(name, t.shape(), t::toDoubleArray)
        : SafeTensor.lazyFloats(name, t.shape(), t::toFloatArray);
  }

  /**
   * Reads and validates a checkpoint written by {@link #save}. A missing file is a
   * NoSuchFileException whose message names it and says what to do; a file that is not
   * safetensors, or is damaged (its checksums), is a
   * {@link dev.jgrad.io.SafeTensorsFormatException}; a safetensors file that is not a jgrad
   * checkpoint (no format marker, an epoch that is not a whole number >= 0) is an
   * IllegalArgumentException naming the file.
   */
  public static Checkpoint load(Path path) throws IOException {
    checkNotNull(path, "path is null; pass the checkpoint file");
    SafeTensorsFile file;
    try {
      file = SafeTensors.read(path);
    } catch (NoSuchFileException e) {
      throw IoMessages.noSuchFile(path, "check the path, or train and save a model first", e);
    }
    String epoch = file.metadata().get(EPOCH_KEY);
    checkArgument(FORMAT.equals(file.metadata().get(FORMAT_KEY)) && epoch != null,
        "%s is a safetensors file but not a jgrad checkpoint (metadata %s=%s expected, found %s);"
            + " pass a file written by Checkpoint.save%s", path, FORMAT_KEY, FORMAT,
        file.metadata().keySet(), TorchStateDict.FORMAT.equals(file.metadata().get(FORMAT_KEY))
            || !file.metadata().containsKey(FORMAT_KEY) ? ", or read PyTorch weights (a state_dict"
            + " file) into a model of the same layers with TorchStateDict.load" : "");
    int completed;
    try {
      if (!epoch.matches("-?[0-9]+")) { // parseInt takes "+3" and other scripts' digits too
        throw new NumberFormatException("not ASCII digits");
      }
      completed = Integer.parseInt(epoch);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(path + ": metadata epoch='" + epoch
          + "' is not a whole number", e);
    }
    // save writes epochs >= 0; a negative count would resume "before" epoch 0 and train more
    // epochs than asked, with batch orders of epochs that never exist
    checkArgument(completed >= 0, "%s: metadata epoch='%s' is negative; a checkpoint counts the"
        + " epochs completed, from 0: pass a file written by Checkpoint.save", path, epoch);
    return new Checkpoint(file, completed);
  }

  /** Epochs completed when it was saved; training resumes with this epoch index. */
  public int epoch() {
    return epoch;
  }

  /** The string metadata, the checkpoint's own entries included. */
  public Map<String, String> metadata() {
    return file.metadata();
  }

  /** The optimizer kind saved, or null if none was. */
  public String optimizerKind() {
    return file.metadata().get(OPTIMIZER_KEY);
  }

  /**
   * Overwrites {@code model}'s parameters and buffers with the saved ones, and sets each Dropout
   * layer's mask counter where the checkpoint holds it. Fails, before changing anything, if a
   * parameter or buffer is missing, has another shape or dtype, the file holds tensors the model
   * lacks, or a saved counter is not a count.
   */
  public void restoreModel(Module model) {
    Map<String, Tensor> params = model.namedState();
    List<String> saved = new ArrayList<>();
    for (String name : file.names()) {
      if (!name.startsWith(OPTIMIZER_PREFIX)) {
        saved.add(name);
      }
    }
    TreeSet<String> unexpected = new TreeSet<>(saved);
    unexpected.removeAll(params.keySet());
    checkArgument(unexpected.isEmpty(), "%s holds parameters %s that the model lacks; the model's"
        + " are %s. Build the same model as the one saved", file.source(), unexpected,
        params.keySet());
    TreeSet<String> missing = new TreeSet<>(params.keySet());
    missing.removeAll(saved);
    checkArgument(missing.isEmpty(), "%s has no tensors %s for the model's parameters; it holds %s."
        + " Build the same model as the one saved", file.source(), missing, saved);
    Map<String, Tensor> values = new LinkedHashMap<>();
    params.forEach((name, p) -> values.put(name, toTensor(file.get(name), p, "parameter")));
    Map<Dropout, Long> counters = new IdentityHashMap<>();
    dropouts(model).forEach((path, d) -> {
      String counter = file.metadata().get(DROPOUT_COUNTER_PREFIX + path);
      if (counter != null) { // a checkpoint from before counters were saved: left as they are
        counters.put(d, dropoutCounter(counter, path));
      }
    });
    values.forEach((name, v) -> params.get(name).assign(v));
    counters.forEach(Dropout::setCounter);
  }

  /** A saved mask counter: ASCII digits of a count in [0, 2^53). */
  private long dropoutCounter(String saved, String path) {
    long counter = -1;
    if (saved.matches("[0-9]{1,16}")) {
      counter = Long.parseLong(saved);
    }
    checkArgument(counter >= 0 && counter < (1L << 53), "%s: metadata %s%s='%s' is not a "
        + "Dropout mask counter (a whole number from 0 to 2^53 - 1)", file.source(),
        DROPOUT_COUNTER_PREFIX, path, saved);
    return counter;
  }

  /**
   * Restores {@code optimizer}'s state and learning rate, as PyTorch's
   * {@code optimizer.load_state_dict} does; fails naming the problem, before changing anything,
   * if the checkpoint holds no optimizer or another kind, a tensor does not fit its parameter or
   * the saved rate is not a positive number. The other settings ({@link Optimizer#settings()}:
   * momentum, betas, weight decay...) are fixed when an optimizer is built: where the saved ones
   * differ, one WARN line names each difference and the optimizer keeps its own (build it with
   * the saved ones to continue the same training). A checkpoint from before the rate and
   * settings were saved restores the state alone, as it did.
   */
  public void restoreOptimizer(Optimizer optimizer) {
    String rate = file.metadata().get(OPTIMIZER_SETTINGS_PREFIX + LEARNING_RATE);
    double learningRate = rate == null ? Double.NaN : savedRate(rate);
    restoreOptimizerState(optimizer);
    if (rate != null) {
      optimizer.setLearningRate(learningRate);
    }
    settingsDiffering(optimizer).ifPresent(differences -> log.warn("{}: the saved optimizer had"
        + " other settings: {}; {} keeps its own, fixed when it was built (build it with the saved"
        + " ones to continue the same training)", file.source(), differences, optimizer));
  }

  /** The saved learning rate, checked: a positive finite number. */
  private double savedRate(String saved) {
    double rate = -1;
    try {
      rate = Double.parseDouble(saved);
    } catch (NumberFormatException e) {
      // refused below with the other bad values
    }
    checkArgument(rate > 0 && Double.isFinite(rate), "%s: metadata %s%s='%s' is not a learning"
        + " rate (a positive finite number); pass a file written by Checkpoint.save",
        file.source(), OPTIMIZER_SETTINGS_PREFIX, LEARNING_RATE, saved);
    return rate;
  }

  /**
   * {@code "momentum=0.9 (this one 0.5), ..."}: the saved settings other than
   * {@code optimizer}'s, by name, or empty where all agree or none were saved.
   */
  private Optional<String> settingsDiffering(Optimizer optimizer) {
    Map<String, String> saved = new TreeMap<>();
    file.metadata().forEach((k, v) -> {
      if (k.startsWith(OPTIMIZER_SETTINGS_PREFIX)
          && !k.equals(OPTIMIZER_SETTINGS_PREFIX + LEARNING_RATE)) {
        saved.put(k.substring(OPTIMIZER_SETTINGS_PREFIX.length()), v);
      }
    });
    Map<String, Double> own = optimizer.settings();
    StringJoiner differences = new StringJoiner(", ");
    saved.forEach((name, value) -> {
      Double mine = own.get(name);
      if (mine == null || !Double.toString(mine).equals(value)) {
        differences.add(name + "=" + value + " (this one " + (mine == null ? "has none" : mine)
            + ")");
      }
    });
    return differences.length() == 0 ? Optional.empty() : Optional.of(differences.toString());
  }

  /**
   * Restores {@code optimizer}'s moments and counters only, keeping its learning rate and
   * settings: what {@link Trainer#resumeFrom} does, where the resumed run's own rate, schedule
   * and options win. Fails as {@link #restoreOptimizer} does.
   */
  public void restoreOptimizerState(Optimizer optimizer) {
    String kind = optimizerKind();
    checkArgument(kind != null, "%s holds no optimizer state (Model.save, or Checkpoint.save"
        + " without an optimizer, wrote it), so no training resumes from it; resume from a"
        + " checkpoint the Trainer wrote (checkpointTo), or load these weights with restoreModel"
        + " and train anew", file.source());
    Map<String, Tensor> tensors = new HashMap<>();
    for (SafeTensor t : file.tensors()) {
      if (t.name().startsWith(OPTIMIZER_PREFIX)) {
        tensors.put(t.name().substring(OPTIMIZER_PREFIX.length()), toTensor(t, null, "state"));
      }
    }
    Map<String, String> values = new HashMap<>();
    file.metadata().forEach((k, v) -> {
      if (k.startsWith(OPTIMIZER_PREFIX)) {
        values.put(k.substring(OPTIMIZER_PREFIX.length()), v);
      }
    });
    try {
      optimizer.loadState(new OptimizerState(kind, tensors, values));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.source() + ": " + e.getMessage(), e);
    }
  }

  /** The saved tensor on {@code like}'s backend, checked against it when given. */
  private Tensor toTensor(SafeTensor saved, Tensor like, String what) {
    if (like != null) {
      checkArgument(saved.shape().equals(like.shape()) && saved.dtype() == like.dtype(),
          "%s: tensor '%s' is %s %s but the model's %s is %s %s; build the model with the same"
              + " sizes as the one saved", file.source(), saved.name(), saved.dtype(),
          saved.shape(), what, like.dtype(), like.shape());
    }
    Shape shape = saved.shape();
    Tensor t = saved.dtype() == DType.FLOAT64 ? Tensor.of(saved.doubles(), shape.dims())
        : Tensor.of(saved.floats(), shape.dims());
    return like == null ? t : t.to(like.backend());
  }

  /** How many values the model's tensors (not the optimizer's) hold in all. */
  long modelValues() {
    long n = 0;
    for (SafeTensor t : file.tensors()) {
      n += t.name().startsWith(OPTIMIZER_PREFIX) ? 0 : t.shape().size();
    }
    return n;
  }

  /** Names of the tensors in the file, in file order. */
  public List<String> tensorNames() {
    return Collections.unmodifiableList(file.names());
  }

  @Override
  public String toString() {
    return "Checkpoint(" + file.source() + ", epoch " + epoch + ", " + file.names().size()
        + " tensors)";
  }
}
