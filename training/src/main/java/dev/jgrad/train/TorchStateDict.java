package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.IoMessages;
import dev.jgrad.io.SafeTensor;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.BatchNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.TorchLayout;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's weights in PyTorch's layout, as a safetensors file: what
 * {@code safetensors.torch.save_file(model.state_dict(), path)} writes and
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} takes (strict) for a PyTorch
 * model of the same layers. The names are jgrad's, which are PyTorch's ({@code "0.weight"},
 * {@code "fc1.bias"}, {@code "2.running_mean"}); two tensors differ: a {@link Linear} weight,
 * {@code [in, out]} in jgrad, is {@code [out, in]} in the file, and a BatchNorm's
 * {@code num_batches_tracked}, FLOAT64 {@code [1]} in jgrad, is an I64 scalar {@code []}. Conv2d
 * and BatchNorm tensors have PyTorch's layouts already. Unlike a {@link Checkpoint}, no optimizer
 * state and no epoch.
 *
 * <pre>{@code
 * TorchStateDict.save(Path.of("out/net.safetensors"), net);
 * //   PyTorch: model.load_state_dict(load_file("out/net.safetensors"))
 * //   PyTorch: save_file(model.state_dict(), "torch.safetensors")
 * TorchStateDict.load(Path.of("torch.safetensors"), net);    // checked, as load_state_dict
 * IncompatibleKeys keys = TorchStateDict.load(file, net, StateDictOptions.nonStrict());
 * }</pre>
 *
 * <p>A jgrad checkpoint ({@link Checkpoint#save}, {@link Model#save}) is not a state_dict: its
 * Linear weights are {@code [in, out]}, which PyTorch's strict {@code load_state_dict} takes
 * transposed without a word where a layer is square. {@link #load} refuses it by its format mark,
 * naming {@link Model#load}; give PyTorch the file {@link #save} writes.
 *
 * <p>A custom Module's own weights are written as they are, unless it declares which of them
 * PyTorch holds transposed by implementing {@link TorchLayout}: one that multiplies by a weight
 * of its own as Linear does ({@code x W}, {@code W} {@code [in, out]}) returns that weight's name
 * from {@link TorchLayout#transposedInTorch()}, and it is written {@code [out, in]} and read back
 * transposed, as Linear's. A declared name the module has no tensor of, or a tensor that is not
 * 2-D, fails the save or load in one line naming the module, before anything is written or
 * changed.
 */
public final class TorchStateDict {
  /**
   * The metadata {@value Checkpoint#FORMAT_KEY} of the files it writes: Hugging Face's mark of a
   * PyTorch file (PyTorch itself ignores metadata). The model's description, when every module
   * has a registered type, is there too ({@value Model#DESCRIPTION_KEY}), as in checkpoints.
   */
  public static final String FORMAT = "pt";

  private static final Logger log = LoggerFactory.getLogger(TorchStateDict.class);

  /** What sets a tensor's layout apart from jgrad's, and the module that holds it. */
  private record Role(Kind kind, Module owner) {}

  private enum Kind {
    /** Declared by its module ({@link TorchLayout}): jgrad {@code [a, b]}, PyTorch {@code [b, a]}. */
    TRANSPOSED,
    /** jgrad FLOAT64 {@code [1]}, PyTorch an int64 scalar. */
    BATCH_COUNTER
  }

  private TorchStateDict() {}

  /**
   * Writes {@code model}'s parameters and buffers to {@code file} in PyTorch's layout, atomically;
   * the values are copied from the device one tensor at a time as they are written.
   */
  public static void save(Path file, Module model) throws IOException {
    checkNotNull(file, "file is null; pass the file to write, e.g. out/net.safetensors");
    checkNotNull(model, "model is null; pass the model whose weights to save");
    Map<Tensor, Role> roles = roles(model);
    List<SafeTensor> tensors = new ArrayList<>();
    model.namedState().forEach((name, t) -> tensors.add(toTorch(name, t, roles.get(t))));
    Map<String, String> meta = new HashMap<>();
    meta.put(Checkpoint.FORMAT_KEY, FORMAT);
    Checkpoint.putDescription(meta, model, file);
    SafeTensors.write(file, tensors, meta);
  }

  /**
   * Overwrites {@code model}'s parameters and buffers with those {@code file} holds in PyTorch's
   * layout (F32, F64 or I64 tensors, each converted to the dtype of the model's; F16 and BF16
   * ones too, exactly, said in one INFO line). As PyTorch's strict {@code load_state_dict}, every
   * parameter and buffer must be there with its shape, and nothing else, but for a BatchNorm's
   * {@code num_batches_tracked}: without it, the model keeps its own count, as in PyTorch; else,
   * before changing anything, an IllegalArgumentException names the file, the tensor and what is
   * wrong, in one line. A jgrad checkpoint (metadata {@code format=jgrad-checkpoint-1}, Linear
   * weights {@code [in, out]}) is refused: {@link Model#load} reads it. Files without a format
   * mark (other tools') load.
   */
  public static void load(Path file, Module model) throws IOException {
    load(file, model, StateDictOptions.strict());
  }

  /**
   * {@link #load(Path, Module)} with PyTorch's {@code load_state_dict} options: non-strict loads
   * what matches and returns the model's names the file lacks and the file's names the model
   * lacks (a backbone into a model with a new head); the file's names may be renamed first
   * (a {@code DataParallel} file's {@code module.} prefix stripped). A shape mismatch fails
   * either way, before anything changes.
   */
  public static IncompatibleKeys load(Path file, Module model, StateDictOptions options)
      throws IOException {
    checkNotNull(file, "file is null; pass a .safetensors file written from a PyTorch state_dict");
    checkNotNull(model, "model is null; pass the model to load the weights into");
    checkNotNull(options, "options is null; pass StateDictOptions.strict() or nonStrict()");
    SafeTensorsFile saved;
    try {
      saved = SafeTensors.read(file);
    } catch (NoSuchFileException e) {
      throw IoMessages.noSuchFile(file, "check the path, or write one in PyTorch with"
          + " safetensors.torch.save_file(model.state_dict(), path)", e);
    }
    // a jgrad checkpoint holds Linear weights [in, out]: a square layer's would load transposed
    // without any shape error, so the file's own mark decides (files without one still load)
    checkArgument(!Checkpoint.FORMAT.equals(saved.metadata().get(Checkpoint.FORMAT_KEY)),
        "%s is a jgrad checkpoint (metadata %s=%s; Linear weights [in, out]), not a PyTorch"
            + " state_dict; load it with Model.load(path), or Checkpoint.load(path)"
            + ".restoreModel(model) into a model of the same layers", file, Checkpoint.FORMAT_KEY,
        Checkpoint.FORMAT);
    Map<String, SafeTensor> byName = renamed(file, saved, options);
    Map<String, Tensor> state = model.namedState();
    Map<Tensor, Role> roles = roles(model);
    TreeSet<String> unexpected = new TreeSet<>(byName.keySet());
    unexpected.removeAll(state.keySet());
    if (!unexpected.isEmpty() && options.isStrict()) {
      throw new IllegalArgumentException(file + ": tensor '" + unexpected.first() + "' is"
          + " unexpected: the model has no such parameter or buffer (unexpected: " + unexpected
          + "; the model's: " + state.keySet() + "); " + unexpectedHint(unexpected, state));
    }
    TreeSet<String> missing = new TreeSet<>(state.keySet());
    missing.removeAll(byName.keySet());
    // PyTorch's BatchNorm takes a state_dict without num_batches_tracked (files from before it
    // existed, or from converters) and keeps its own count; so does this
    missing.removeIf(name -> kind(roles.get(state.get(name))) == Kind.BATCH_COUNTER);
    if (!missing.isEmpty() && options.isStrict()) {
      throw new IllegalArgumentException(file + ": tensor '" + missing.first() + "' is missing"
          + " (missing: " + missing + "); save the state_dict of a PyTorch model with the same"
          + " layers");
    }
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<String>> widened = new TreeMap<>();
    state.forEach((name, t) -> {
      SafeTensor s = byName.get(name);
      if (s != null) {
        values.put(name, fromTorch(file, s, t, roles.get(t)));
        if (s.isWidened()) {
          widened.computeIfAbsent(s.fileDtype() + " -> " + t.dtype(), k -> new ArrayList<>())
              .add(name);
        }
      }
    });
    values.forEach((name, v) -> state.get(name).assign(v));
    if (!widened.isEmpty()) {
      log.info("{}: read half-precision tensors converted exactly to the model's dtype ({})",
          file, widened.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().size()
              + " tensors, e.g. '" + e.getValue().get(0) + "'").toList());
    }
    return new IncompatibleKeys(List.copyOf(missing), List.copyOf(unexpected));
  }

  /** The file's tensors by the model's names ({@code options}' renaming), checked for clashes. */
  private static Map<String, SafeTensor> renamed(Path file, SafeTensorsFile saved,
      StateDictOptions options) {
    Map<String, SafeTensor> byName = new LinkedHashMap<>();
    for (SafeTensor t : saved.tensors()) {
      String name = options.rename(t.name());
      SafeTensor clash = byName.put(name, t);
      checkArgument(clash == null, "%s: tensors '%s' and '%s' are both renamed to '%s'; rename"
          + " them apart", file, clash == null ? "" : clash.name(), t.name(), name);
    }
    return byName;
  }

  /**
   * What to do about tensors the model lacks: strip a {@code DataParallel} prefix where that
   * would match them, else build the same layers (or load the rest, non-strict).
   */
  private static String unexpectedHint(Set<String> unexpected, Map<String, Tensor> state) {
    String prefix = "module.";
    boolean dataParallel = unexpected.stream().allMatch(n -> n.startsWith(prefix)
        && state.containsKey(n.substring(prefix.length())));
    return dataParallel ? "the names have a DataParallel model's 'module.' prefix: load with"
        + " StateDictOptions.strict().stripPrefix(\"module.\")"
        : "build the same layers as the PyTorch model, or load what matches with"
            + " StateDictOptions.nonStrict()";
  }

  /**
   * The tensors whose layout differs from PyTorch's, by identity (a layer may have two names);
   * each module's {@link TorchLayout} declaration checked.
   */
  private static Map<Tensor, Role> roles(Module model) {
    Map<Tensor, Role> roles = new IdentityHashMap<>();
    model.namedModules().forEach((path, m) -> {
      if (m instanceof TorchLayout layout) {
        transposed(path, m, layout).forEach(t -> roles.put(t, new Role(Kind.TRANSPOSED, m)));
      }
      if (m instanceof BatchNorm bn) {
        roles.put(bn.numBatchesTracked(), new Role(Kind.BATCH_COUNTER, m));
      }
    });
    return roles;
  }

  /** The own 2-D tensors that {@code layout}, module {@code path}, declares transposed. */
  private static List<Tensor> transposed(String path, Module m, TorchLayout layout) {
    String where = (path.isEmpty() ? "the model" : "module '" + path + "'") + " ("
        + m.getClass().getSimpleName() + ")";
    Set<String> names = layout.transposedInTorch();
    checkArgument(names != null, "%s returned null from transposedInTorch(); return Set.of() for"
        + " none", where);
    Map<String, Tensor> own = new TreeMap<>();
    m.namedParameters().forEach(own::put);
    m.namedBuffers().forEach(own::put);
    own.keySet().removeIf(name -> name.contains(".")); // a sub-module's: it declares its own
    List<Tensor> tensors = new ArrayList<>();
    for (String name : new TreeSet<>(names)) {
      Tensor t = own.get(name);
      checkArgument(t != null, "%s declares '%s' transposed in PyTorch (TorchLayout) but has no"
          + " parameter or buffer of its own by that name; it has %s", where, name, own.keySet());
      checkArgument(t.shape().rank() == 2, "%s declares '%s' transposed in PyTorch (TorchLayout)"
          + " but it is %s, not 2-D; only a matrix has a transpose: leave it out of"
          + " transposedInTorch()", where, name, t.shape());
      tensors.add(t);
    }
    return tensors;
  }

  private static Kind kind(Role role) {
    return role == null ? null : role.kind();
  }

  /** {@code t} as PyTorch holds it, read from the device when the file is written. */
  private static SafeTensor toTorch(String name, Tensor t, Role role) {
    if (kind(role) == Kind.TRANSPOSED) {
      Shape shape = Shape.of(t.shape().dim(1), t.shape().dim(0));
      return t.dtype() == DType.FLOAT64
          ? SafeTensor.lazyDoubles(name, shape, () -> transposed(t).toDoubleArray())
          : SafeTensor.lazyFloats(name, shape, () -> transposed(t).toFloatArray());
    } else if (kind(role) == Kind.BATCH_COUNTER) {
      return SafeTensor.ofLongs(name, Shape.scalar(), new long[] {(long) t.item()});
    }
    return Checkpoint.toSafeTensor(name, t);
  }

  /** A view [b, a] of [a, b], outside the graph. */
  private static Tensor transposed(Tensor t) {
    try (NoGrad ignored = NoGrad.scope()) {
      return t.transpose();
    }
  }

  /** The values of {@code saved} in {@code like}'s layout, dtype and backend, checked. */
  private static Tensor fromTorch(Path file, SafeTensor saved, Tensor like, Role role) {
    int[] dims = like.shape().dims();
    Kind kind = kind(role);
    Shape torch = kind == Kind.TRANSPOSED ? Shape.of(dims[1], dims[0])
        : kind == Kind.BATCH_COUNTER ? Shape.scalar() : like.shape();
    if (!saved.shape().equals(torch)) {
      String hint = kind == Kind.TRANSPOSED && role.owner() instanceof Linear
          ? "PyTorch's Linear weight is [out, in]: this layer is Linear(in=" + dims[0] + ", out="
              + dims[1] + ")"
          : kind == Kind.TRANSPOSED ? role.owner().getClass().getSimpleName() + " declares it"
              + " transposed in PyTorch (TorchLayout): [" + dims[1] + ", " + dims[0] + "] there,"
              + " " + like.shape() + " here; build the layer with the PyTorch model's sizes"
          : kind == Kind.BATCH_COUNTER ? "PyTorch's num_batches_tracked is a scalar"
          : "build the layer with the PyTorch model's sizes";
      throw new IllegalArgumentException(file + ": tensor '" + saved.name() + "' has shape "
          + saved.shape() + " where " + torch + " is expected; " + hint);
    }
    Tensor values = Tensor.of(saved.toDoubleArray(), like.dtype(), torch.dims());
    return (kind == Kind.TRANSPOSED ? transposed(values) : values.reshape(dims))
        .to(like.backend());
  }
}
