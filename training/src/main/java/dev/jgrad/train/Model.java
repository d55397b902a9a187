package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.FileFormatException;
import dev.jgrad.io.Json;
import dev.jgrad.nn.ModelDescriptionException;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ModuleSpec;
import dev.jgrad.nn.ModuleTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A saved model that rebuilds itself: {@link Checkpoint#save} writes, beside the weights, a small
 * description of the layers under the metadata key {@value #DESCRIPTION_KEY}, and
 * {@link #load(Path)} rebuilds the network from it and loads the weights (and BatchNorm's running
 * statistics), without the code that built it.
 *
 * <pre>{@code
 * Model.save(Path.of("out/model.safetensors"), net);          // or any Checkpoint.save
 * Module net = Model.load(Path.of("out/model.safetensors"));  // in eval mode
 * Tensor scores = net.forward(x);
 * }</pre>
 *
 * <p>The description is JSON, e.g. {@code {"format":"jgrad-model-1","dtype":"FLOAT32","root":
 * {"type":"Sequential","names":["0","1","2"],"layers":[{"type":"Linear","in":784,"out":100},
 * {"type":"ReLU"},{"type":"Linear","in":100,"out":10}]}}}: each module's type and hyper-parameters
 * ({@link ModuleSpec}), written and read by the {@link ModuleTypes} registry, which plugins extend.
 * A model holding a module no type describes (a custom Module) is saved with its weights only;
 * loading such a file says so.
 */
public final class Model {
  /** The checkpoint metadata key that holds the description. */
  public static final String DESCRIPTION_KEY = "model";
  /** The description's format marker; a later incompatible format gets another. */
  public static final String FORMAT = "jgrad-model-1";

  private Model() {}

  /**
   * {@code model}'s description as JSON, or empty if some module in it has no registered type.
   */
  public static Optional<String> describe(Module model, ModuleTypes types) {
    checkNotNull(model, "model is null");
    Optional<ModuleSpec> spec = types.describeIfKnown(model);
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    Tensor first = model.namedParameters().values().stream().findFirst().orElse(null);
    DType dtype = first == null ? Tensor.DEFAULT_DTYPE : first.dtype();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("dtype", dtype.name());
    doc.put("root", spec.get().toJson());
    return Optional.of(Json.write(doc));
  }

  /**
   * Saves {@code model}'s weights and description (no optimizer, epoch 0). Fails, writing
   * nothing, if a module in it has no registered type: then use {@link Checkpoint#save} and
   * rebuild the model in code.   *
   * <p>The file is replaced atomically ({@link dev.jgrad.io.AtomicFiles}); a symbolic link is
   * written through and kept. A process killed mid-save leaves a hidden temporary file
   * {@code .NAME.<hex>.tmp} beside the file; a program that saves itself (not through the
   * {@code Trainer}, which cleans its own) deletes those at its start, before its first save and
   * while no other process writes the path, with
   * {@code AtomicFiles.deleteStaleTempFiles(path, Instant.now())}.
   */
  public static void save(Path path, Module model) throws IOException {
    checkNotNull(model, "model is null");
    ModuleTypes.global().describe(model); // fails naming the module no type describes
    Checkpoint.save(path, model, null, 0, Map.of());
  }

  /** {@link #load(Path, ModuleTypes)} with {@link ModuleTypes#global()}. */
  public static Module load(Path path) throws IOException {
    return load(path, ModuleTypes.global());
  }

  /**
   * The model saved at {@code path}, rebuilt from its description with {@code types}, its weights
   * and buffers loaded, in eval mode. A file without a description, a description that is
   * malformed, names an unknown type or does not fit the saved tensors fails with a
   * {@link FileFormatException} naming the file and the problem.
   */
  public static Module load(Path path, ModuleTypes types) throws IOException {
    checkNotNull(types, "types is null");
    // the layers are built on the current backend: choose it first, so that a -Djgrad.backend
    // naming a backend that is missing fails as itself, not as "bad model description" of a
    // file that is fine (the layer's size checks below turn IllegalArgumentExceptions into that)
    Backends.current();
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.load(path);
    } catch (IllegalArgumentException e) { // a safetensors file, but not a checkpoint
      throw new FileFormatException(path.toString(), -1, "not a jgrad model", e.getMessage());
    }
    String text = checkpoint.metadata().get(DESCRIPTION_KEY);
    if (text == null) {
      throw new FileFormatException(path.toString(), -1, "no model description",
          "it was saved without one (a custom Module?), so only its weights are there; rebuild"
              + " the model in code and use Checkpoint.load(path).restoreModel(model)");
    }
    Object json = Json.parse(path.toString(), "model description", text);
    Module model;
    try {
      DType dtype = dtype(json);
      // absurd sizes are refused before they are allocated; a description a little off still
      // builds, and restoreModel names the tensor and both shapes
      long budget = 2 * checkpoint.modelValues() + (1 << 20);
      model = types.build(root(json).withValueBudget(budget), dtype);
    } catch (ModelDescriptionException e) {
      throw new FileFormatException(path.toString(), -1, "bad model description", e.getMessage());
    }
    try {
      checkpoint.restoreModel(model);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(path.toString(), -1,
          "the model description does not fit the saved tensors", e.getMessage());
    }
    model.eval();
    return model;
  }

  private static ModuleSpec root(Object json) {
    Map<?, ?> doc = document(json);
    return ModuleSpec.fromJson(doc.get("root"), "root");
  }

  private static DType dtype(Object json) {
    Object dtype = document(json).get("dtype");
    for (DType d : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      if (d.name().equals(dtype)) {
        return d;
      }
    }
    throw new ModelDescriptionException("dtype is " + dtype + "; expected "
        + DType.FLOAT32.name() + " or " + DType.FLOAT64.name());
  }

  private static Map<?, ?> document(Object json) {
    if (!(json instanceof Map<?, ?> doc) || !FORMAT.equals(doc.get("format"))) {
      throw new ModelDescriptionException("expected an object with \"format\":\"" + FORMAT
          + "\"" + (json instanceof Map<?, ?> m ? ", found format " + m.get("format")
          : ", found " + (json == null ? "null" : "a JSON " + json.getClass().getSimpleName()
              .toLowerCase(Locale.ROOT)))
          + "; it was written by another program or a newer jgrad");
    }
    return doc;
  }
}
