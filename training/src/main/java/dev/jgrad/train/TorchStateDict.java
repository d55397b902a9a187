package dev.jgrad.train;

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
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
 * }</pre>
 *
 * <p>A custom Module's own weights are written as they are: one that multiplies by a weight of
 * its own as Linear does holds it {@code [in, out]}, and PyTorch's counterpart needs the transpose.
 */
public final class TorchStateDict {
  /**
   * The metadata {@value Checkpoint#FORMAT_KEY} of the files it writes: Hugging Face's mark of a
   * PyTorch file (PyTorch itself ignores metadata). The model's description, when every module
   * has a registered type, is there too ({@value Model#DESCRIPTION_KEY}), as in checkpoints.
   */
  public static final String FORMAT = "pt";

  /** What sets a tensor's layout apart from jgrad's. */
  private enum Role {
    /** jgrad {@code [in, out]}, PyTorch {@code [out, in]}. */
    LINEAR_WEIGHT,
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
    Checkpoint.modelState(model).forEach((name, t) -> tensors.add(toTorch(name, t, roles.get(t))));
    Map<String, String> meta = new HashMap<>();
    meta.put(Checkpoint.FORMAT_KEY, FORMAT);
    Checkpoint.putDescription(meta, model, file);
    SafeTensors.write(file, tensors, meta);
  }

  /**
   * Overwrites {@code model}'s parameters and buffers with those {@code file} holds in PyTorch's
   * layout (F32, F64 or I64 tensors, each converted to the dtype of the model's). As PyTorch's
   * strict {@code load_state_dict}, every parameter and buffer must be there with its shape, and
   * nothing else, but for a BatchNorm's {@code num_batches_tracked}: without it, the model keeps
   * its own count, as in PyTorch; else, before changing anything, an IllegalArgumentException names the file,
   * the tensor and what is wrong, in one line.
   */
  public static void load(Path file, Module model) throws IOException {
    checkNotNull(file, "file is null; pass a .safetensors file written from a PyTorch state_dict");
    checkNotNull(model, "model is null; pass the model to load the weights into");
    SafeTensorsFile saved;
    try {
      saved = SafeTensors.read(file);
    } catch (NoSuchFileException e) {
      throw IoMessages.noSuchFile(file, "check the path, or write one in PyTorch with"
          + " safetensors.torch.save_file(model.state_dict(), path)", e);
    }
    Map<String, Tensor> state = Checkpoint.modelState(model);
    Map<Tensor, Role> roles = roles(model);
    TreeSet<String> unexpected = new TreeSet<>(saved.names());
    unexpected.removeAll(state.keySet());
    if (!unexpected.isEmpty()) {
      throw new IllegalArgumentException(file + ": tensor '" + unexpected.first() + "' is"
          + " unexpected: the model has no such parameter or buffer (unexpected: " + unexpected
          + "; the model's: " + state.keySet() + "); build the same layers as the PyTorch model");
    }
    TreeSet<String> missing = new TreeSet<>(state.keySet());
    missing.removeAll(saved.names());
    // PyTorch's BatchNorm takes a state_dict without num_batches_tracked (files from before it
    // existed, or from converters) and keeps its own count; so does this
    missing.removeIf(name -> roles.get(state.get(name)) == Role.BATCH_COUNTER);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": tensor '" + missing.first() + "' is missing"
          + " (missing: " + missing + "); save the state_dict of a PyTorch model with the same"
          + " layers");
    }
    Map<String, Tensor> values = new LinkedHashMap<>();
    state.forEach((name, t) -> {
      if (saved.names().contains(name)) {
        values.put(name, fromTorch(file, saved.get(name), t, roles.get(t)));
      }
    });
    values.forEach((name, v) -> state.get(name).assign(v));
  }

  /** The tensors whose layout differs from PyTorch's, by identity (a layer may have two names). */
  private static Map<Tensor, Role> roles(Module model) {
    Map<Tensor, Role> roles = new IdentityHashMap<>();
    for (Module m : model.namedModules().values()) {
      if (m instanceof Linear linear) {
        roles.put(linear.weight(), Role.LINEAR_WEIGHT);
      } else if (m instanceof BatchNorm bn) {
        roles.put(bn.numBatchesTracked(), Role.BATCH_COUNTER);
      }
    }
    return roles;
  }

  /** {@code t} as PyTorch holds it, read from the device when the file is written. */
  private static SafeTensor toTorch(String name, Tensor t, Role role) {
    if (role == Role.LINEAR_WEIGHT) {
      Shape shape = Shape.of(t.shape().dim(1), t.shape().dim(0));
      return t.dtype() == DType.FLOAT64
          ? SafeTensor.lazyDoubles(name, shape, () -> transposed(t).toDoubleArray())
          : SafeTensor.lazyFloats(name, shape, () -> transposed(t).toFloatArray());
    } else if (role == Role.BATCH_COUNTER) {
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
    Shape torch = role == Role.LINEAR_WEIGHT ? Shape.of(dims[1], dims[0])
        : role == Role.BATCH_COUNTER ? Shape.scalar() : like.shape();
    if (!saved.shape().equals(torch)) {
      String hint = role == Role.LINEAR_WEIGHT
          ? "PyTorch's Linear weight is [out, in]: this layer is Linear(in=" + dims[0] + ", out="
              + dims[1] + ")"
          : role == Role.BATCH_COUNTER ? "PyTorch's num_batches_tracked is a scalar"
          : "build the layer with the PyTorch model's sizes";
      throw new IllegalArgumentException(file + ": tensor '" + saved.name() + "' has shape "
          + saved.shape() + " where " + torch + " is expected; " + hint);
    }
    Tensor values = Tensor.of(saved.toDoubleArray(), like.dtype(), torch.dims());
    return (role == Role.LINEAR_WEIGHT ? transposed(values) : values.reshape(dims))
        .to(like.backend());
  }
}
