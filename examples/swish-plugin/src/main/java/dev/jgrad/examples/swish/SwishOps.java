package dev.jgrad.examples.swish;

import dev.jgrad.api.DType;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.GradientRule;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpProvider;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.Ops;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Registers Swish, {@code y = x * sigmoid(beta * x)} (Ramachandran et al., 2017), as a plugin op:
 * its definition, a CPU kernel in Java, a CUDA kernel in PTX, and a hand-written backward that is
 * itself an op with CPU and CUDA kernels. Found by {@code ServiceLoader} through
 * {@code META-INF/services/dev.jgrad.api.op.OpProvider}; its ONNX lowering is {@link SwishOnnx}.
 */
public final class SwishOps implements OpProvider {
  public static final String SWISH = "swish::swish";
  public static final String SWISH_GRAD = "swish::swish_grad";

  @Override
  public void register(OpRegistry.Registration r) {
    // beta is its one attribute: declared, so a misspelt "Beta" fails rather than meaning 1
    r.define(OpDef.builder(SWISH).arity(1).attributes("beta").shapeRule((in, a) -> in.get(0))
        .build());
    // x and the output gradient have the same shape; the result is dL/dx
    r.define(OpDef.builder(SWISH_GRAD).arity(2).differentiable(false).shapeRule((in, a) -> {
      TensorSpec x = in.get(0);
      if (!x.shape().equals(in.get(1).shape())) {
        throw new IllegalArgumentException(SWISH_GRAD + ": x " + x.shape() + " and gradient "
            + in.get(1).shape() + " must have the same shape");
      }
      return x;
    }).attributes("beta").build());

    r.kernel(SWISH, "cpu", SwishOps::forwardCpu);
    r.kernel(SWISH_GRAD, "cpu", SwishOps::backwardCpu);

    String ptx = PtxKernel.resource(SwishOps.class, "/dev/jgrad/examples/swish/swish.ptx");
    r.kernel(SWISH, "cuda", PtxKernel.builder(ptx)
        .entry(DType.FLOAT32, "swish_fwd_f32").entry(DType.FLOAT64, "swish_fwd_f64")
        .elementwise()
        .args(c -> List.of(c.input(0), c.output(), beta(c), c.output().length()))
        .build());
    r.kernel(SWISH_GRAD, "cuda", PtxKernel.builder(ptx)
        .entry(DType.FLOAT32, "swish_bwd_f32").entry(DType.FLOAT64, "swish_bwd_f64")
        .elementwise()
        .args(c -> List.of(c.input(0), c.input(1), c.output(), beta(c), c.output().length()))
        .build());

    // The backward of swish is the swish_grad op, so it runs on whatever backend has its kernel.
    r.gradient(SWISH, (GradientRule<Tensor>) ctx -> Arrays.asList(Ops.call(SWISH_GRAD,
        ctx.attrs(), ctx.input(0), ctx.gradOutput())));
  }

  static double beta(KernelCall c) {
    return beta(c.attrs());
  }

  /** The call's beta, 1 when not given (Swish-1, a.k.a. SiLU). */
  static double beta(Attrs attrs) {
    return attrs.getDouble("beta", 1.0);
  }

  private static void forwardCpu(KernelCall c) {
    double beta = beta(c);
    HostBuffer x = (HostBuffer) c.input(0);
    HostBuffer y = (HostBuffer) c.output();
    if (c.outputSpec().dtype() == DType.FLOAT32) {
      float[] xs = x.floatArray();
      float[] ys = y.floatArray();
      float b = (float) beta;
      for (int i = 0; i < ys.length; i++) {
        ys[i] = xs[i] / (1f + (float) Math.exp(-b * xs[i]));
      }
    } else {
      double[] xs = x.doubleArray();
      double[] ys = y.doubleArray();
      for (int i = 0; i < ys.length; i++) {
        ys[i] = xs[i] / (1 + Math.exp(-beta * xs[i]));
      }
    }
  }

  /** dx = g * (s + beta x s (1 - s)), s = sigmoid(beta x). */
  private static void backwardCpu(KernelCall c) {
    double beta = beta(c);
    HostBuffer x = (HostBuffer) c.input(0);
    HostBuffer g = (HostBuffer) c.input(1);
    HostBuffer dx = (HostBuffer) c.output();
    if (c.outputSpec().dtype() == DType.FLOAT32) {
      float[] xs = x.floatArray();
      float[] gs = g.floatArray();
      float[] out = dx.floatArray();
      for (int i = 0; i < out.length; i++) {
        float s = 1f / (1f + (float) Math.exp(-beta * xs[i]));
        out[i] = gs[i] * (s + (float) beta * xs[i] * s * (1f - s));
      }
    } else {
      double[] xs = x.doubleArray();
      double[] gs = g.doubleArray();
      double[] out = dx.doubleArray();
      for (int i = 0; i < out.length; i++) {
        double s = 1 / (1 + Math.exp(-beta * xs[i]));
        out[i] = gs[i] * (s + beta * xs[i] * s * (1 - s));
      }
    }
  }

}
