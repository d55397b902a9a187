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
    if (rows.xf != null && NativeCpu.available()) {
      double[] total = new double[1];
      int status = NativeCpu.softmaxCrossEntropyLoss(rows.n, rows.k, rows.xf, rows.labels,
          new float[rows.n * rows.k], total);
      if (status != NativeCpu.NOT_FINITE) {
        NativeCpu.check(status, "softmax cross-entropy");
        out.floats()[0] = (float) (total[0] / rows.n);
        return;
      }
    }
    double total = 0;
    for (int r = 0; r < rows.n; r++) {
      int base = r * rows.k;
      double max = rows.max(base);
      double sum = rows.sumExp(base, max);
      total += Math.log(sum) + max - rows.x(base + rows.labels[r]);
    }
    if (out.dtype() == dev.jgrad.api.DType.FLOAT32) {
      out.floats()[0] = (float) (total / rows.n);
    } else {
      out.doubles()[0] = total / rows.n;
    }
  }

  /** (softmax(x[r]) - onehot(label[r])) * g / rows. */
  private static void softmaxCrossEntropyGrad(KernelCall c) {
    Rows rows = Rows.of(c);
    CpuBuffer gBuf = Checks.cpu("softmax_cross_entropy_labels_grad", "gradient", c.input(2));
    double g = gBuf.dtype() == dev.jgrad.api.DType.FLOAT32 ? gBuf.floats()[0] : gBuf.doubles()[0];
    double scale = g / rows.n;
    CpuBuffer out = (CpuBuffer) c.output();
    Checks.length(SOFTMAX_CROSS_ENTROPY_LABELS_GRAD, "output", out, (long) rows.n * rows.k);
    float[] of = out.dtype() == dev.jgrad.api.DType.FLOAT32 ? out.floats() : null;
    double[] od = of == null ? out.doubles() : null;
    if (rows.xf != null && of != null && NativeCpu.available()) {
      int status = NativeCpu.softmaxCrossEntropyGrad(rows.n, rows.k, rows.xf, rows.labels,
          (float) scale, of);
      if (status != NativeCpu.NOT_FINITE) {
        NativeCpu.check(status, "softmax cross-entropy gradient");
        return;
      }
    }
    double[] e = new double[rows.k]; // each exp once per element
    for (int r = 0; r < rows.n; r++) {
      int base = r * rows.k;
      double max = rows.max(base);
      double sum = 0;
      for (int j = 0; j < rows.k; j++) {
        e[j] = Math.exp(rows.x(base + j) - max);
        sum += e[j];
      }
      double rowScale = scale / sum;
      e[rows.labels[r]] -= sum; // (e / sum - 1) * scale = (e - sum) * scale / sum
      for (int j = 0; j < rows.k; j++) {
        double d = e[j] * rowScale;
        if (of != null) {
          of[base + j] = (float) d;
        } else {
          od[base + j] = d;
        }
      }
    }
  }

  /** The logits of a call as rows, read in double whatever their dtype, and checked labels. */
  private static final class Rows {
    final int n;
    final int k;
    final int[] labels;
    final float[] xf;
    final double[] xd;

    private Rows(int n, int k, int[] labels, float[] xf, double[] xd) {
      this.n = n;
      this.k = k;
      this.labels = labels;
      this.xf = xf;
      this.xd = xd;
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
      boolean f32 = x.dtype() == dev.jgrad.api.DType.FLOAT32;
      return new Rows(n, k, labels, f32 ? x.floats() : null, f32 ? null : x.doubles());
    }

    double x(int i) {
      return xf != null ? xf[i] : xd[i];
    }

    /** sum of exp(x - max) over the row at {@code base}. */
    double sumExp(int base, double max) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(x(base + j) - max);
      }
      return sum;
    }

    /** The row's maximum; NaN if the row holds one (a plain compare: Math.max is slower). */
    double max(int base) {
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double v = x(base + j);
        if (v > m || v != v) {
          m = v;
          if (v != v) {
            return v;
          }
        }
      }
      return m;
    }
  }
}
