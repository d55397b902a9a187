package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.NoGrad;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Each layer's output shape and parameter count for one sample of a given shape, as Keras's
 * {@code model.summary()} or torchinfo print them: what a convolutional network does to its
 * images (the book's 28x28 -> 24x24 -> 12x12), and, when shapes do not fit, which layer refuses
 * them. The layers of a {@link Sequential} (nested ones too) get a row each, any other module one
 * row. It runs one forward pass on a batch of one sample of zeros, in evaluation mode on this
 * thread only (no dropout, BatchNorm's running statistics untouched, no graph), so the model is
 * left as it was.
 *
 * <pre>{@code
 * System.out.println(ModelSummary.of(model, 1, 28, 28));
 * // layer   type                       output shape     parameters
 * // conv1   Conv2d(1 -> 30, 5x5)       [1, 30, 24, 24]  780
 * // ...
 * }</pre>
 */
public final class ModelSummary {
  /** One layer's row. */
  public record Row(String name, String layer, Shape output, long parameters) {}

  private final Shape input;
  private final List<Row> rows;
  private final long parameters;
  private final DType dtype;

  private ModelSummary(Shape input, List<Row> rows, long parameters, DType dtype) {
    this.input = input;
    this.rows = List.copyOf(rows);
    this.parameters = parameters;
    this.dtype = dtype;
  }

  /**
   * The summary of {@code model} for one sample of shape {@code sample} (without the batch
   * dimension: {@code 784} for an MLP on flat images, {@code 1, 28, 28} for a network that takes
   * images); an {@link IllegalArgumentException} naming the layer whose forward pass refuses its
   * input.
   */
  public static ModelSummary of(Module model, int... sample) {
    checkNotNull(model, "ModelSummary.of(null, ...): pass the model to summarise");
    checkArgument(sample.length > 0 && Arrays.stream(sample).allMatch(d -> d > 0),
        "ModelSummary.of: the sample shape %s must have at least one dimension, each >= 1, e.g. "
            + "784 or 1, 28, 28 (the batch dimension is added)", Arrays.toString(sample));
    Tensor first = model.parameters().isEmpty() ? null : model.parameters().get(0);
    DType dtype = first == null ? DType.FLOAT32 : first.dtype();
    Backend backend = first == null ? Backends.current() : first.backend();
    int[] batch = new int[sample.length + 1];
    batch[0] = 1;
    System.arraycopy(sample, 0, batch, 1, sample.length);
    List<Row> rows = new ArrayList<>();
    try (Module.EvalScope eval = Module.evalScope(); NoGrad noGrad = NoGrad.scope();
        TensorScope scope = TensorScope.open()) {
      walk(model, "", Tensor.zeros(dtype, batch).to(backend), rows);
    }
    return new ModelSummary(Shape.of(batch), rows, model.parameterCount(), dtype);
  }

  /** Runs {@code module} on {@code x}, a row per leaf, and returns its output. */
  private static Tensor walk(Module module, String name, Tensor x, List<Row> rows) {
    if (module instanceof Sequential sequential) {
      List<String> names = sequential.names();
      Tensor y = x;
      for (int i = 0; i < names.size(); i++) {
        String child = name.isEmpty() ? names.get(i) : name + "." + names.get(i);
        y = walk(sequential.layers().get(i), child, y, rows);
      }
      return y;
    }
    String shown = name.isEmpty() ? "(model)" : name;
    Tensor y;
    try {
      y = module.forward(x);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("ModelSummary: layer " + shown + " (" + module
          + ") refuses its input " + x.dtype() + x.shape() + ": " + e.getMessage(), e);
    }
    rows.add(new Row(shown, module.toString(), y.shape(), module.parameterCount()));
    return y;
  }

  /** The batch the summary ran: one sample, {@code [1, ...]}. */
  public Shape input() {
    return input;
  }

  /** The rows, in the order the layers run. */
  public List<Row> rows() {
    return rows;
  }

  /** The model's trainable scalars (a parameter shared by two layers counts once). */
  public long parameters() {
    return parameters;
  }

  /** The table: one line per layer, then the input, the total and the parameters' bytes. */
  @Override
  public String toString() {
    String[] head = {"layer", "type", "output shape", "parameters"};
    int[] width = {head[0].length(), head[1].length(), head[2].length()};
    for (Row r : rows) {
      width[0] = Math.max(width[0], r.name().length());
      width[1] = Math.max(width[1], r.layer().length());
      width[2] = Math.max(width[2], r.output().toString().length());
    }
    String format = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n";
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, format, (Object[]) head));
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, format, r.name(), r.layer(), r.output(),
          String.format(Locale.ROOT, "%,d", r.parameters())));
    }
    b.append(String.format(Locale.ROOT, "input %s; %,d parameters (%s, %,d bytes)", input,
        parameters, dtype, parameters * dtype.byteSize()));
    return b.toString();
  }
}
