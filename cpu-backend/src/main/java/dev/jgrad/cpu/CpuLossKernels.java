package dev.jgrad.cpu;

import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS;
import static dev.jgrad.api.op.OpNames.SOFTMAX_CROSS_ENTROPY_LABELS_GRAD;

import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;

/**
 * Fused CPU kernels for ops the autograd layer defines (registered by name, through the same
 * registry as plugin kernels): softmax cross-entropy with integer labels and its gradient, one
 * pass over each row of logits instead of a dozen primitive calls.
 *
 * <p>FLOAT32 logits go to the native helper where it is loaded ({@link NativeCpu}), whose exp
 * runs 8 lanes at a time: about a tenth of the time of one {@link Math#exp} per element in
 * double. Everything else, and logits with a NaN or infinite row maximum, runs the Java code
 * below (double throughout), so NaN and infinities propagate as they always did.
 */
public final class CpuLossKernels implements OpProvider {
  @Override
  public void register(OpRegistry.Registration r) {
    r.kernel(SOFTMAX_CROSS_ENTROPY_LABELS, CpuBackend.NAME, CpuLossKernels::softmaxCrossEntropy);
    r.kernel(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, CpuBackend.NAME,
        CpuLossKernels::softmaxCrossEntropyGrad);
  }

  /** mean over rows of logsumexp(x[r]) - x[r, label[r]], stable (the row max is subtracted). */
  private static void softmaxCrossEntropy(KernelCall c) {
    Rows rows = Rows.of(c);
    CpuBuffer out = (CpuBuffer) c.output();
    if (rows.x instanceof float[] xf && NativeCpu.available()) {
      double[] total = new double[1];
      int status = NativeCpu.softmaxCrossEntropyLoss(rows.n, rows.k, xf, rows.labels,
          new float[rows.n * rows.k], total);
      if (status != NativeCpu.NOT_FINITE) {
        NativeCpu.check(status, "softmax cross-entropy");
        out.floats()[0] = (float) (total[0] / rows.n);
        return;
      }
    }
    double total = 0;
    double[] row = new double[rows.k];
    for (int r = 0; r < rows.n; r++) {
      rows.read(r, row);
      double max = max(row);
      double sum = 0;
      for (double v : row) {
        sum += Math.exp(v - max);
      }
      total += Math.log(sum) + max - row[rows.labels[r]];
    }
    out.kernels().set(out.array(), 0, total / rows.n);
  }

  /** (softmax(x[r]) - onehot(label[r])) * g / rows. */
  private static void softmaxCrossEntropyGrad(KernelCall c) {
    Rows rows = Rows.of(c);
    CpuBuffer gBuf = Checks.cpu("softmax_cross_entropy_labels_grad", "gradient", c.input(2));
    double g = gBuf.kernels().get(gBuf.array(), 0);
    double scale = g / rows.n;
    CpuBuffer out = (CpuBuffer) c.output();
    Checks.length(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, "output", out, (long) rows.n * rows.k);
    Object outArray = out.array();
    // An infinite scale goes to the loop below: the native kernel's p * scale - scale makes NaN
    // at the label where (p - 1) * scale is -infinity, as the loop, PyTorch and CUDA give.
    if (rows.x instanceof float[] xf && outArray instanceof float[] of
        && NativeCpu.available() && Float.isFinite((float) scale)) {
      int status = NativeCpu.softmaxCrossEntropyGrad(rows.n, rows.k, xf, rows.labels,
          (float) scale, of);
      if (status != NativeCpu.NOT_FINITE) {
        NativeCpu.check(status, "softmax cross-entropy gradient");
        return;
      }
    }
    double[] e = new double[rows.k]; // each exp once per element
    for (int r = 0; r < rows.n; r++) {
      rows.read(r, e);
      double max = max(e);
      double sum = 0;
      for (int j = 0; j < rows.k; j++) {
        e[j] = Math.exp(e[j] - max);
        sum += e[j];
      }
      double rowScale = scale / sum;
      e[rows.labels[r]] -= sum; // (e / sum - 1) * scale = (e - sum) * scale / sum
      for (int j = 0; j < rows.k; j++) {
        e[j] *= rowScale;
      }
      out.kernels().fromDoubles(e, outArray, r * rows.k, rows.k);
    }
  }

  /** The row's maximum; NaN if the row holds one (a plain compare: Math.max is slower). */
  private static double max(double[] row) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      if (v > m || v != v) {
        m = v;
        if (v != v) {
          return v;
        }
      }
    }
    return m;
  }

  /** The logits of a call, [n, k], with their checked labels. */
  private static final class Rows {
    final int n;
    final int k;
    final int[] labels;
    final DTypeKernels kernels;
    /** The logits' storage, only read. */
    final Object x;

    private Rows(int n, int k, int[] labels, DTypeKernels kernels, Object x) {
      this.n = n;
      this.k = k;
      this.labels = labels;
      this.kernels = kernels;
      this.x = x;
    }

    static Rows of(KernelCall c) {
      String p = c.outputSpec().shape().rank() == 0 ? SOFTMAX_CROSS_ENTROPY_LABELS
          : SOFTMAX_CROSS_ENTROPY_LABELS_GRAD;
      CpuBuffer x = Checks.cpu(p, "logits", c.input(0));
      CpuBuffer l = Checks.cpu(p, "labels", c.input(1));
      int n = c.inputSpec(0).shape().dim(0);
      int k = c.inputSpec(0).shape().dim(1);
      // the native kernels index by n and k alone: a buffer of another length must fail here
      Checks.length(p, "logits", x, (long) n * k);
      Checks.length(p, "labels", l, n);
      int[] labels = Indexing.readIndices(p, l, k);
      return new Rows(n, k, labels, x.kernels(), x.array());
    }

    /** Row {@code r} of the logits, in double whatever their dtype. */
    void read(int r, double[] row) {
      kernels.toDoubles(x, r * k, row, k);
    }
  }
}
