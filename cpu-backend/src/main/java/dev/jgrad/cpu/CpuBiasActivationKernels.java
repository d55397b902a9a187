package dev.jgrad.cpu;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)} over
 * {@code x [rows, cols]}: row by row, the bias is added and the activation applied while the row
 * is still in the L1 cache, so the activations cross memory once instead of twice (add, then
 * activation) and no temporary is allocated. The arithmetic is that of the {@code add} and unary
 * primitives, so the result is bit for bit the unfused one.
 *
 * <p>Runs on the calling thread: one pass over a layer's activations costs about as much as
 * handing work to another core for the layer sizes it is used with.
 */
public final class CpuBiasActivationKernels implements OpProvider {
  static final String BIAS_ACTIVATION = "jgrad::bias_activation";
  private static final String ACTIVATION = "activation";

  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(BIAS_ACTIVATION, CpuBackend.NAME, CpuBiasActivationKernels::biasActivation);
  }

  private static void biasActivation(KernelCall c) {
    CpuBuffer x = Checks.cpu(BIAS_ACTIVATION, "x", c.input(0));
    CpuBuffer bias = Checks.cpu(BIAS_ACTIVATION, "bias", c.input(1));
    CpuBuffer out = Checks.cpu(BIAS_ACTIVATION, "output", c.output());
    int rows = c.inputSpec(0).shape().dim(0);
    int cols = c.inputSpec(0).shape().dim(1);
    Checks.length(BIAS_ACTIVATION, "bias", bias, cols);
    String act = c.attrs().getString(ACTIVATION);
    if (x.dtype() == DType.FLOAT32) {
      float[] xs = x.floats();
      float[] bs = bias.floats();
      float[] os = out.floats();
      for (int from = 0; from < rows * cols; from += cols) {
        addRow(xs, bs, os, from, cols);
        activateRow(act, os, from, from + cols);
      }
    } else {
      double[] xs = x.doubles();
      double[] bs = bias.doubles();
      double[] os = out.doubles();
      for (int from = 0; from < rows * cols; from += cols) {
        addRow(xs, bs, os, from, cols);
        activateRow(act, os, from, from + cols);
      }
    }
  }

  private static void addRow(float[] x, float[] bias, float[] out, int from, int cols) {
    for (int j = 0; j < cols; j++) {
      out[from + j] = x[from + j] + bias[j];
    }
  }

  /** The activation in place over {@code out[from, to)}, as the unary primitive computes it. */
  private static void activateRow(String act, float[] out, int from, int to) {
    switch (act) {
      case "identity" -> { }
      case "relu" -> {
        for (int i = from; i < to; i++) {
          out[i] = Math.max(out[i], 0f);
        }
      }
      case "sigmoid" -> {
        for (int i = from; i < to; i++) {
          out[i] = (float) (1.0 / (1.0 + Math.exp(-out[i])));
        }
      }
      case "tanh" -> {
        for (int i = from; i < to; i++) {
          out[i] = (float) Math.tanh(out[i]);
        }
      }
      default -> throw unknown(act);
    }
  }

  // The FLOAT64 twins of the two loops above (Java has no generics over primitive arrays).

  private static void addRow(double[] x, double[] bias, double[] out, int from, int cols) {
    for (int j = 0; j < cols; j++) {
      out[from + j] = x[from + j] + bias[j];
    }
  }

  private static void activateRow(String act, double[] out, int from, int to) {
    switch (act) {
      case "identity" -> { }
      case "relu" -> {
        for (int i = from; i < to; i++) {
          out[i] = Math.max(out[i], 0.0);
        }
      }
      case "sigmoid" -> {
        for (int i = from; i < to; i++) {
          out[i] = 1.0 / (1.0 + Math.exp(-out[i]));
        }
      }
      case "tanh" -> {
        for (int i = from; i < to; i++) {
          out[i] = Math.tanh(out[i]);
        }
      }
      default -> throw unknown(act);
    }
  }

  private static IllegalArgumentException unknown(String act) {
    return new IllegalArgumentException(BIAS_ACTIVATION + ": the CPU kernel has no activation '"
        + act + "'; it fuses identity, relu, sigmoid, tanh");
  }
}
