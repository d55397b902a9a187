package dev.jgrad.cuda;

import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.FusedActivation;
import java.util.List;

/**
 * Fused kernels of the CUDA backend, each replacing several primitives and their passes over
 * memory, called with buffers (the ops' registered kernels, {@code FusedSgd} and
 * {@code FusedAdam} and {@code FusedAdamW} use them).
 * Obtained with {@link CudaBackend#fused()}. Each launches its {@code fused.ptx} entry the way
 * plugin PTX kernels run ({@link FusedKernels}); asynchronous and checked like the primitives;
 * index errors surface at the next synchronisation.
 */
public final class CudaFusedOps {
  private final CudaBackend backend;

  CudaFusedOps(CudaBackend backend) {
    this.backend = backend;
  }

  /**
   * Softmax cross-entropy over {@code logits [rows, classes]} with class labels
   * {@code [rows]} (INT32 class indices): {@code loss[r] = logsumexp(logits[r]) -
   * logits[r, labels[r]]}, and, if {@code grad} is not null, {@code grad [rows, classes] =
   * (softmax(logits) - onehot(labels)) * gradScale} (use {@code 1 / rows} for the mean loss).
   * A bad label gives that row a NaN loss and zero gradient, and an IndexOutOfBoundsException at
   * the next synchronisation.
   */
  public void softmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, int rows, int classes,
      DeviceBuffer loss, DeviceBuffer grad, double gradScale) {
    softmaxCrossEntropy(logits, labels, rows, classes, loss, grad, gradScale, null);
  }

  /**
   * {@link #softmaxCrossEntropy(DeviceBuffer, DeviceBuffer, int, int, DeviceBuffer, DeviceBuffer,
   * double)} with the gradient also multiplied by the one value of {@code upstream} (the loss's
   * own gradient, on the device), when that is not null: in the same launch, the same two
   * roundings as a separate multiply.
   */
  public void softmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, int rows, int classes,
      DeviceBuffer loss, DeviceBuffer grad, double gradScale, DeviceBuffer upstream) {
    String p = "softmaxCrossEntropy";
    CudaBuffer cx = backend.own(p, "logits", logits);
    CudaBuffer cl = backend.own(p, "labels", labels);
    CudaBuffer closs = backend.own(p, "loss", loss);
    CudaBuffer cg = grad == null ? null : backend.own(p, "grad", grad);
    Checks.indexDtype(p, "labels", cl);
    Checks.sameDType(p, "logits", cx, "loss", closs);
    Checks.nonNegative(p, "rows", rows);
    Checks.positive(p, "classes", classes);
    long n = Checks.product(p, rows, classes);
    Checks.length(p, "logits ([rows, classes])", cx, n);
    Checks.length(p, "labels ([rows])", cl, rows);
    Checks.length(p, "loss ([rows])", closs, rows);
    Checks.distinct(p, "loss", closs, "logits", cx);
    Checks.distinct(p, "loss", closs, "labels", cl);
    CudaBuffer cu = upstream == null ? null : backend.own(p, "upstream", upstream);
    if (cu != null) {
      if (cg == null) {
        throw new IllegalArgumentException(p + " on the cuda backend: upstream is given but grad "
            + "is null; it scales the gradient");
      }
      Checks.sameDType(p, "logits", cx, "upstream", cu);
      Checks.length(p, "upstream ([1])", cu, 1);
    }
    if (cg != null) {
      Checks.sameDType(p, "logits", cx, "grad", cg);
      Checks.length(p, "grad ([rows, classes])", cg, n);
      Checks.distinct(p, "grad", cg, "logits", cx);
      Checks.distinct(p, "grad", cg, "labels", cl);
      Checks.distinct(p, "grad", cg, "loss", closs);
    }
    if (rows == 0) {
      return;
    }
    backend.launchFused("jg_softmax_xent", cx.dtype(),
        backend.geometry().blockPerItem(rows, LaunchGeometry.rowBlock(classes)),
        FusedKernels.softmaxCrossEntropyArgs(cx, cl, rows, classes, closs, cg, gradScale, cu,
            backend.indexErrorRecord()));
    backend.indexCheckingKernelLaunched();
  }

  /**
   * The most rows {@link #softmaxCrossEntropyMean} takes, a small batch's (100, 128): its one
   * block works through its rows, eight a warp here, about a microsecond each, which saves two
   * launches a step where the host's launches bound the step; a large batch, whose step the GPU
   * bounds, takes the three launches, whose many blocks are faster.
   */
  public static final int XENT_MEAN_MAX_ROWS = 256;
  /** The most elements (rows x classes) it takes: one SM reads them all. */
  public static final long XENT_MEAN_MAX_ELEMENTS = 1 << 16;
  /**
   * Its one block: 32 warps, a row each at a time. fused.cu's JG_XENT_MEAN_BLOCK, whose
   * {@code __launch_bounds__} keep the kernel within the registers such a block may have
   * ({@code FusedKernelsTest} checks the PTX's {@code .maxntid}).
   */
  static final int XENT_MEAN_BLOCK = 1024;

  /** Whether {@link #softmaxCrossEntropyMean} takes a batch of {@code rows x classes}. */
  public static boolean meanInOneLaunch(int rows, int classes) {
    return rows > 0 && rows <= XENT_MEAN_MAX_ROWS
        && (long) rows * classes <= XENT_MEAN_MAX_ELEMENTS;
  }

  /**
   * The mean over {@code rows} of the softmax cross-entropy of {@code logits [rows, classes]}
   * with INT32 {@code labels [rows]}, into {@code out [1]}, in one launch of one block (a warp
   * per row): what {@link #softmaxCrossEntropy} and a sum and a scaling give in three launches,
   * summed in another order. Only for batches {@link #meanInOneLaunch} takes. A bad label gives
   * NaN and is reported at the next synchronisation.
   */
  public void softmaxCrossEntropyMean(DeviceBuffer logits, DeviceBuffer labels, int rows,
      int classes, DeviceBuffer out) {
    String p = "softmaxCrossEntropyMean";
    CudaBuffer cx = backend.own(p, "logits", logits);
    CudaBuffer cl = backend.own(p, "labels", labels);
    CudaBuffer co = backend.own(p, "out", out);
    Checks.indexDtype(p, "labels", cl);
    Checks.sameDType(p, "logits", cx, "out", co);
    Checks.positive(p, "rows", rows);
    Checks.positive(p, "classes", classes);
    if (!meanInOneLaunch(rows, classes)) {
      throw new IllegalArgumentException(p + " on the cuda backend: " + rows + " x " + classes
          + " is more than one block takes (" + XENT_MEAN_MAX_ROWS + " rows, "
          + XENT_MEAN_MAX_ELEMENTS + " elements); use softmaxCrossEntropy, a sum and a scaling");
    }
    Checks.length(p, "logits ([rows, classes])", cx, Checks.product(p, rows, classes));
    Checks.length(p, "labels ([rows])", cl, rows);
    Checks.length(p, "out ([1])", co, 1);
    Checks.distinct(p, "out", co, "logits", cx);
    Checks.distinct(p, "out", co, "labels", cl);
    backend.launchFused("jg_softmax_xent_mean", cx.dtype(),
        new LaunchGeometry.Launch(1, 1, 1, XENT_MEAN_BLOCK, 1, 1),
        FusedKernels.softmaxCrossEntropyMeanArgs(cx, cl, rows, classes, co,
            backend.indexErrorRecord()));
    backend.indexCheckingKernelLaunched();
  }

  /**
   * {@code out[r, c] = activation(x[r, c] + bias[c])} over {@code [rows, cols]};
   * {@link FusedActivation#IDENTITY} adds the bias only. {@code out} may be {@code x}.
   */
  public void biasActivation(DeviceBuffer x, DeviceBuffer bias, int rows, int cols,
      FusedActivation activation, DeviceBuffer out) {
    String p = "biasActivation";
    CudaBuffer cx = backend.own(p, "x", x);
    CudaBuffer cb = backend.own(p, "bias", bias);
    CudaBuffer co = backend.own(p, "out", out);
    Checks.sameDType(p, "x", cx, "bias", cb);
    Checks.sameDType(p, "x", cx, "out", co);
    Checks.nonNegative(p, "rows", rows);
    Checks.nonNegative(p, "cols", cols);
    long n = Checks.product(p, rows, cols);
    Checks.length(p, "x ([rows, cols])", cx, n);
    Checks.length(p, "bias ([cols])", cb, cols);
    Checks.length(p, "out ([rows, cols])", co, n);
    Checks.distinct(p, "out", co, "bias", cb);
    if (n == 0) {
      return;
    }
    backend.launchFused("jg_bias_act", cx.dtype(), backend.geometry().elementwise(n),
        FusedKernels.biasActivationArgs(cx, cb, co, rows, cols, activation));
  }

  /**
   * One SGD step in place. Without {@code velocity} (null):
   * {@code param -= lr * (grad + weightDecay * param)}. With it:
   * {@code velocity = momentum * velocity + grad + weightDecay * param; param -= lr * velocity}.
   */
  public void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity,
      DeviceBuffer lr, double momentum, double weightDecay) {
    CudaBackend.CONTRACT.sgdUpdate(param, grad, velocity, lr);
    String p = "sgdUpdate";
    CudaBuffer cp = backend.own(p, "param", param);
    CudaBuffer cg = backend.own(p, "grad", grad);
    CudaBuffer cv = velocity == null ? null : backend.own(p, "velocity", velocity);
    CudaBuffer cr = backend.own(p, "lr", lr);
    long n = cp.length();
    if (n == 0) {
      return;
    }
    backend.launchFused("jg_sgd", cp.dtype(), backend.geometry().elementwise(n),
        FusedKernels.sgdArgs(cp, cg, cv, n, cr, momentum, weightDecay));
  }

  /**
   * {@link #sgdUpdate} for every entry ({@link dev.jgrad.api.FusedSgd#sgdUpdateAll}), in one
   * launch per {@link FusedKernels#BATCH} entries of one dtype: the same operations per
   * element as {@code jg_sgd}, so the same bits. Every entry is checked before anything runs.
   */
  public void sgdUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> velocities, DeviceBuffer lr, double momentum, double weightDecay) {
    CudaBackend.CONTRACT.sgdUpdateAll(params, grads, velocities, lr);
    String p = "sgdUpdateAll";
    CudaBuffer cr = backend.own(p, "lr", lr);
    BatchEntries entries = new BatchEntries(backend.geometry(), 3, params.size());
    for (int i = 0; i < params.size(); i++) {
      DeviceBuffer velocity = velocities == null ? null : velocities.get(i);
      CudaBackend.CONTRACT.sgdUpdate(params.get(i), grads.get(i), velocity, lr);
      String[] roles = FusedKernels.SGD_BATCH_ROLES;
      entries.add(backend.own(p, roles[0], params.get(i)), backend.own(p, roles[1], grads.get(i)),
          velocity == null ? null : backend.own(p, roles[2], velocity));
    }
    entries.launch(backend, "jg_sgd_batch", (columns, blocks, from, count) ->
        FusedKernels.sgdBatchArgs(columns, blocks, from, count, cr, momentum, weightDecay));
  }

  /**
   * Adam's update in one launch ({@link dev.jgrad.api.FusedAdam#adamUpdate}): each operation
   * rounded on its own, in the primitives' order, so the twelve launches' bits. The kernel reads
   * the rate from {@code lrT} when it runs, so a captured graph replays it with the rate filled
   * in before each launch.
   */
  public void adamUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer lrT) {
    CudaBackend.CONTRACT.adamUpdate(param, grad, m, v, lrT);
    CudaBuffer[] c = own("adamUpdate", new String[] {"param", "grad", "m", "v", "lrT"}, param,
        grad, m, v, lrT);
    long n = c[0].length();
    if (n > 0) {
      backend.launchFused("jg_adam", c[0].dtype(), backend.geometry().elementwise(n),
          FusedKernels.adamArgs(c[0], c[1], c[2], c[3], n, beta1, beta2, eps, c[4]));
    }
  }

  /**
   * AdamW's update in one launch ({@link dev.jgrad.api.FusedAdamW#adamwUpdate}): each operation
   * rounded on its own, in the primitives' order, so the fourteen launches' bits; the step's
   * scalars read from {@code decay}, {@code biasRoot} and {@code step} when the kernel runs.
   */
  public void adamwUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step) {
    CudaBackend.CONTRACT.adamwUpdate(param, grad, m, v, decay, biasRoot, step);
    CudaBuffer[] c = own("adamwUpdate",
        new String[] {"param", "grad", "m", "v", "decay", "biasRoot", "step"}, param, grad, m, v,
        decay, biasRoot, step);
    long n = c[0].length();
    if (n > 0) {
      backend.launchFused("jg_adamw", c[0].dtype(), backend.geometry().elementwise(n),
          FusedKernels.adamwArgs(c[0], c[1], c[2], c[3], n, beta1, beta2, eps, c[4], c[5], c[6]));
    }
  }

  /**
   * {@link #adamUpdate} for every entry ({@link dev.jgrad.api.FusedAdam#adamUpdateAll}), in one
   * launch per {@link FusedKernels#BATCH} entries of one dtype: {@code jg_adam}'s operations per
   * element, so its bits. Every entry is checked before anything runs.
   */
  public void adamUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer lrT) {
    CudaBackend.CONTRACT.adamUpdateAll(params, grads, ms, vs, lrT);
    CudaBuffer cr = backend.own("adamUpdateAll", "lrT", lrT);
    momentEntries("adamUpdateAll", params, grads, ms, vs).launch(backend, "jg_adam_batch",
        (columns, blocks, from, count) -> FusedKernels.adamBatchArgs(columns, blocks, from, count,
            beta1, beta2, eps, cr));
  }

  /**
   * {@link #adamwUpdate} for every entry ({@link dev.jgrad.api.FusedAdamW#adamwUpdateAll}), as
   * {@link #adamUpdateAll} does Adam's: {@code jg_adamw}'s bits.
   */
  public void adamwUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer decay, DeviceBuffer biasRoot, DeviceBuffer step) {
    CudaBackend.CONTRACT.adamwUpdateAll(params, grads, ms, vs, decay, biasRoot, step);
    CudaBuffer[] c = own("adamwUpdateAll", new String[] {"decay", "biasRoot", "step"}, decay,
        biasRoot, step);
    momentEntries("adamwUpdateAll", params, grads, ms, vs).launch(backend, "jg_adamw_batch",
        (columns, blocks, from, count) -> FusedKernels.adamwBatchArgs(columns, blocks, from,
            count, beta1, beta2, eps, c[0], c[1], c[2]));
  }

  /** The entries of an Adam or AdamW batch, which the contract has checked. */
  private BatchEntries momentEntries(String primitive, List<DeviceBuffer> params,
      List<DeviceBuffer> grads, List<DeviceBuffer> ms, List<DeviceBuffer> vs) {
    BatchEntries entries = new BatchEntries(backend.geometry(), 4, params.size());
    String[] roles = FusedKernels.MOMENT_BATCH_ROLES;
    for (int i = 0; i < params.size(); i++) {
      entries.add(own(primitive, roles, params.get(i), grads.get(i), ms.get(i), vs.get(i)));
    }
    return entries;
  }

  /** This backend's buffers behind {@code buffers}, each named by its role if it is not one. */
  private CudaBuffer[] own(String primitive, String[] roles, DeviceBuffer... buffers) {
    CudaBuffer[] owned = new CudaBuffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      owned[i] = backend.own(primitive, roles[i], buffers[i]);
    }
    return owned;
  }
}
