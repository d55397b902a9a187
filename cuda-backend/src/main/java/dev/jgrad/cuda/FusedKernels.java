package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.PtxKernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import jcuda.driver.CUdeviceptr;

/**
 * The built-in fused kernels of {@code fused.ptx}, launched the way plugins' PTX kernels are (the
 * api's {@link PtxKernel}, through {@link PtxPluginLauncher}): one path for every op kernel on
 * the GPU, with each launch's arguments checked against the entry's parameters in the PTX. Each
 * kernel's argument list is built here, once, for both the registered op kernel and
 * {@link CudaFusedOps}; {@code FusedKernelsTest} checks every list against the PTX without a GPU.
 */
final class FusedKernels {
  /**
   * fused.cu's {@code JG_BATCH}: the most parameters one batch launch ({@code jg_sgd_batch},
   * {@code jg_adam_batch}, {@code jg_adamw_batch}) updates.
   */
  static final int BATCH = 16;
  /**
   * The address columns of fused.cu's SgdBatch and AdamBatch, in the order of their fields (the
   * buffers' roles in the contract's words; FusedKernelsTest reads the fields from fused.cu).
   */
  static final String[] SGD_BATCH_ROLES = {"param", "grad", "velocity"};
  static final String[] MOMENT_BATCH_ROLES = {"param", "grad", "m", "v"};
  /**
   * {@code sizeof(SgdBatch)} in fused.cu: four arrays of {@link #BATCH} 8-byte values (param,
   * grad and velocity addresses, lengths), one of as many ints and the int count, padded to a
   * multiple of 8.
   */
  static final int SGD_BATCH_BYTES = batchBytes(4);
  /** {@code sizeof(AdamBatch)}: as SgdBatch with five 8-byte arrays (param, grad, m, v, n). */
  static final int ADAM_BATCH_BYTES = batchBytes(5);

  /** The text of {@code fused.ptx}: grid-stride kernels, so any 1-D grid covers the work. */
  static final String PTX = new String(NativeResources.read("fused.ptx"), StandardCharsets.UTF_8);

  private FusedKernels() {}

  /** "jg_bias_act_f32" for ("jg_bias_act", FLOAT32). */
  static String entry(String base, DType dtype) {
    return base + (dtype == DType.FLOAT32 ? "_f32" : "_f64");
  }

  /** An elementwise kernel of this PTX, {@code base}_f32 and _f64, registered like a plugin's. */
  private static PtxKernel elementwise(String base, Function<KernelCall, List<Object>> args) {
    return PtxKernel.builder(PTX)
        .entry(DType.FLOAT32, entry(base, DType.FLOAT32))
        .entry(DType.FLOAT64, entry(base, DType.FLOAT64))
        .elementwise()
        .args(args)
        .build();
  }

  /** {@code jgrad::bias_activation}'s CUDA kernel. */
  static PtxKernel biasActivation() {
    return elementwise("jg_bias_act", c -> biasActivationArgs(c.input(0), c.input(1), c.output(),
        c.inputSpec(0).shape().dim(0), c.inputSpec(0).shape().dim(1),
        FusedActivation.of(c.attrs())));
  }

  /** {@code jgrad::relu_grad}'s CUDA kernel: {@code g} where {@code x > 0}, else 0; one launch. */
  static PtxKernel reluGrad() {
    return elementwise("jg_relu_grad",
        c -> reluGradArgs(c.input(0), c.input(1), c.output(), c.outputSpec().shape().size()));
  }

  /** {@code out[i] = g[i] * step(x[i])} over {@code n} entries. */
  static List<Object> reluGradArgs(DeviceBuffer g, DeviceBuffer x, DeviceBuffer out, long n) {
    return List.of(g, x, out, n);
  }

  /** {@code out[r, c] = act(x[r, c] + bias[c])} over {@code [rows, cols]}. */
  static List<Object> biasActivationArgs(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer out,
      long rows, long cols, FusedActivation activation) {
    int code = activation.unaryOp() == null ? OpCodes.IDENTITY
        : OpCodes.unary(activation.unaryOp());
    return List.of(x, bias, out, rows, cols, code);
  }

  /**
   * Per-row loss (and, if {@code grad} is not null, the scaled gradient on the logits, times the
   * one value of {@code upstream} if that is not null); a bad label is written to the backend's
   * {@code errorRecord}.
   */
  static List<Object> softmaxCrossEntropyArgs(DeviceBuffer logits, DeviceBuffer labels, long rows,
      long classes, DeviceBuffer loss, DeviceBuffer grad, double gradScale, DeviceBuffer upstream,
      CUdeviceptr errorRecord) {
    return List.of(logits, labels, rows, classes, loss, grad == null ? (Object) 0L : grad,
        gradScale, upstream == null ? (Object) 0L : upstream, errorRecord);
  }

  /** The mean loss in one block: {@code inv_rows} ({@code 1 / rows}) rounded by the launch. */
  static List<Object> softmaxCrossEntropyMeanArgs(DeviceBuffer logits, DeviceBuffer labels,
      long rows, long classes, DeviceBuffer out, CUdeviceptr errorRecord) {
    return List.of(logits, labels, rows, classes, out, 1.0 / rows, errorRecord);
  }

  /**
   * Adam's update in place: {@code c1 = 1 - beta1} and {@code c2 = 1 - beta2} computed in double,
   * then rounded to the dtype by the launch as the CPU rounds them; the kernel reads the rate
   * from {@code lrT} (one FLOAT64) and rounds {@code -lrT[0]} to the dtype.
   */
  static List<Object> adamArgs(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v, long n, double beta1, double beta2, double eps, DeviceBuffer lrT) {
    return List.of(param, grad, m, v, n, 1 - beta1, 1 - beta2, eps, lrT);
  }

  /**
   * AdamW's update in place: {@code c1 = 1 - beta1}, {@code c2 = 1 - beta2} and eps rounded to
   * the dtype by the launch; the kernel reads {@code decay[0]}, {@code biasRoot[0]} and
   * {@code step[0]} and rounds them.
   */
  static List<Object> adamwArgs(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m,
      DeviceBuffer v, long n, double beta1, double beta2, double eps, DeviceBuffer decay,
      DeviceBuffer biasRoot, DeviceBuffer step) {
    return List.of(param, grad, m, v, n, 1 - beta1, 1 - beta2, eps, decay, biasRoot, step);
  }

  /**
   * The SGD step in place; without momentum, velocity is the null pointer; the kernel reads the
   * rate from {@code lr} (one FLOAT64).
   */
  static List<Object> sgdArgs(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity,
      long n, DeviceBuffer lr, double momentum, double weightDecay) {
    return List.of(param, grad, velocity == null ? (Object) 0L : velocity, n, lr, momentum,
        weightDecay);
  }

  /**
   * One {@code jg_sgd_batch} launch over entries {@code from .. from + count - 1} of
   * {@code columns}: device addresses of each param, grad and velocity (0: none), then the
   * lengths; {@code blocks} per entry, whose sum the launch's grid must be. The SGD step of
   * {@link #sgdArgs} for each.
   */
  static List<Object> sgdBatchArgs(long[][] columns, int[] blocks, int from, int count,
      DeviceBuffer lr, double momentum, double weightDecay) {
    return List.of(batchStruct("jg_sgd_batch", 4, columns, blocks, from, count), lr, momentum,
        weightDecay);
  }

  /**
   * One {@code jg_adam_batch} launch over entries {@code from .. from + count - 1} of
   * {@code columns}: device addresses of each param, grad, m and v, then the lengths;
   * {@code blocks} as for {@link #sgdBatchArgs}. The scalars of {@link #adamArgs}.
   */
  static List<Object> adamBatchArgs(long[][] columns, int[] blocks, int from, int count,
      double beta1, double beta2, double eps, DeviceBuffer lrT) {
    return List.of(batchStruct("jg_adam_batch", 5, columns, blocks, from, count), 1 - beta1,
        1 - beta2, eps, lrT);
  }

  /**
   * One {@code jg_adamw_batch} launch: entries as for {@link #adamBatchArgs}, the scalars of
   * {@link #adamwArgs}.
   */
  static List<Object> adamwBatchArgs(long[][] columns, int[] blocks, int from, int count,
      double beta1, double beta2, double eps, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step) {
    return List.of(batchStruct("jg_adamw_batch", 5, columns, blocks, from, count), 1 - beta1,
        1 - beta2, eps, decay, biasRoot, step);
  }

  /** The size of a batch struct of {@code longColumns} arrays of 8-byte values. */
  private static int batchBytes(int longColumns) {
    return longColumns * BATCH * 8 + BATCH * 4 + 8;
  }

  /**
   * A batch struct of fused.cu (SgdBatch, AdamBatch): {@code longColumns} arrays of
   * {@link #BATCH} 8-byte values (entry k of column c at byte {@code 8 * (c * BATCH + k)}),
   * then the cumulative block ends as ints, then the count.
   */
  private static KernelStruct batchStruct(String kernel, int longColumns, long[][] columns,
      int[] blocks, int from, int count) {
    if (count < 1 || count > BATCH) {
      throw new IllegalArgumentException(kernel + " takes 1 to " + BATCH + " parameters, not "
          + count);
    }
    if (columns.length != longColumns) {
      throw new IllegalArgumentException(kernel + " takes " + longColumns + " columns of "
          + "addresses and lengths, not " + columns.length);
    }
    ByteBuffer b = ByteBuffer.allocate(batchBytes(longColumns)).order(ByteOrder.LITTLE_ENDIAN);
    int ends = 8 * BATCH * longColumns;
    int end = 0;
    for (int k = 0; k < count; k++) {
      for (int c = 0; c < longColumns; c++) {
        b.putLong(8 * (c * BATCH + k), columns[c][from + k]);
      }
      end = Math.addExact(end, blocks[from + k]);
      b.putInt(ends + 4 * k, end);
    }
    b.putInt(ends + 4 * BATCH, count);
    return new KernelStruct(b.array());
  }
}
