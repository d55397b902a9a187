package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.BIAS_ACTIVATION;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * The CPU kernel of {@code jgrad::bias_activation}, {@code out = act(x + bias)} over
 * {@code x [rows, cols]}: row by row, the bias is added and the activation applied in one loop
 * while the row is in the L1 cache, so the activations cross memory once instead of twice (add,
 * then activation) and no temporary tensor is allocated. The arithmetic is that of the
 * {@code add} and unary primitives, so the result is bit for bit the unfused one.
 *
 * <p>Runs on the calling thread: one pass over a layer's activations costs about as much as
 * handing work to another core for the layer sizes it is used with.
 */
public final class CpuBiasActivationKernels implements OpProvider {
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
    // null for identity: the bias only
    UnaryOp act = FusedActivation.of(c.attrs()).unaryOp();
    // Each row goes through a scratch copy so that every array is indexed from 0: C2 vectorizes
    // the add's same-index loop, not the offset one (about half the speed on a [100, 100] relu
    // layer). The loops are the add and unary primitives' own, so the result is theirs bit for bit.
    if (x.dtype() == DType.FLOAT32) {
      float[] row = new float[cols];
      for (int from = 0; from < rows * cols; from += cols) {
        System.arraycopy(x.floats(), from, row, 0, cols);
        FloatKernels.vectorVector(BinaryOp.ADD, row, 0, bias.floats(), 0, row, 0, cols);
        if (act != null) {
          FloatKernels.unary(act, row, row, 0, cols);
        }
        System.arraycopy(row, 0, out.floats(), from, cols);
      }
    } else {
      double[] row = new double[cols];
      for (int from = 0; from < rows * cols; from += cols) {
        System.arraycopy(x.doubles(), from, row, 0, cols);
        DoubleKernels.vectorVector(BinaryOp.ADD, row, 0, bias.doubles(), 0, row, 0, cols);
        if (act != null) {
          DoubleKernels.unary(act, row, row, 0, cols);
        }
        System.arraycopy(row, 0, out.doubles(), from, cols);
      }
    }
  }
}
