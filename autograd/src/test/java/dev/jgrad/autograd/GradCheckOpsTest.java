package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.ops.BiasActivationOps;
import dev.jgrad.autograd.ops.ConvOps;
import dev.jgrad.autograd.ops.DropoutOps;
import dev.jgrad.autograd.ops.MatmulOps;
import dev.jgrad.autograd.ops.PoolOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, activation and loss against central differences, on several shapes, in FLOAT64. Its
 * cases are public for the CUDA backend's parity test (cuda-backend's BackendParityTest, through
 * this module's test jar).
 */
public class GradCheckOpsTest {

  /** How to draw an input: any real, positive (log, sqrt), or off the kinks at 0 (relu, step). */
  public enum Range { ANY, POSITIVE, OFF_KINK, PROBABILITY, ONE_HOT, LABEL01 }

  public record Case(String name, Function<List<Tensor>, Tensor> f, Range range, int[]... shapes) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(name);
      for (int[] s : shapes) {
        sb.append(' ').append(java.util.Arrays.toString(s));
      }
      return sb.toString();
    }
  }

  private static int[] s(int... d) {
    return d;
  }

  public static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    for (int[][] shapes : new int[][][] {
        {s(3), s(3)}, {s(2, 3), s(2, 3)}, {s(2, 3), s(3)}, {s(4, 1), s(1, 5)}, {s(2, 3, 4), s(3, 1)},
        {s(), s(2, 2)}}) {
      c.add(new Case("add", in -> in.get(0).add(in.get(1)), Range.ANY, shapes));
      c.add(new Case("sub", in -> in.get(0).sub(in.get(1)), Range.ANY, shapes));
      c.add(new Case("mul", in -> in.get(0).mul(in.get(1)), Range.ANY, shapes));
      c.add(new Case("div", in -> in.get(0).div(in.get(1)), Range.POSITIVE, shapes));
      c.add(new Case("maximum", in -> in.get(0).maximum(in.get(1)), Range.ANY, shapes));
      c.add(new Case("minimum", in -> in.get(0).minimum(in.get(1)), Range.ANY, shapes));
    }
    for (int[] shape : new int[][] {s(5), s(3, 4), s(2, 3, 2)}) {
      c.add(new Case("neg", in -> in.get(0).neg(), Range.ANY, shape));
      c.add(new Case("add_scalar", in -> in.get(0).add(2.5), Range.ANY, shape));
      c.add(new Case("mul_scalar", in -> in.get(0).mul(-1.5), Range.ANY, shape));
      c.add(new Case("pow", in -> in.get(0).pow(3), Range.ANY, shape));
      c.add(new Case("pow_frac", in -> in.get(0).pow(1.5), Range.POSITIVE, shape));
      c.add(new Case("exp", in -> in.get(0).exp(), Range.ANY, shape));
      c.add(new Case("log", in -> in.get(0).log(), Range.POSITIVE, shape));
      c.add(new Case("sqrt", in -> in.get(0).sqrt(), Range.POSITIVE, shape));
      c.add(new Case("identity", in -> in.get(0).identity(), Range.ANY, shape));
      c.add(new Case("sigmoid", in -> in.get(0).sigmoid(), Range.ANY, shape));
      c.add(new Case("tanh", in -> in.get(0).tanh(), Range.ANY, shape));
      c.add(new Case("sin", in -> in.get(0).sin(), Range.ANY, shape));
      c.add(new Case("cos", in -> in.get(0).cos(), Range.ANY, shape));
      c.add(new Case("log1p", in -> in.get(0).log1p(), Range.POSITIVE, shape));
      c.add(new Case("expm1", in -> in.get(0).expm1(), Range.ANY, shape));
      c.add(new Case("erf", in -> in.get(0).erf(), Range.ANY, shape));
      c.add(new Case("gelu", in -> in.get(0).gelu(), Range.ANY, shape));
      c.add(new Case("gelu_tanh", in -> in.get(0).gelu(GeluApproximation.TANH), Range.ANY,
          shape));
      c.add(new Case("relu", in -> in.get(0).relu(), Range.OFF_KINK, shape));
      c.add(new Case("leaky_relu", in -> in.get(0).leakyRelu(0.1), Range.OFF_KINK, shape));
      c.add(new Case("softmax_last", in -> in.get(0).softmax(-1), Range.ANY, shape));
      c.add(new Case("softmax_first", in -> in.get(0).softmax(0), Range.ANY, shape));
      c.add(new Case("sum_all", in -> in.get(0).sum(), Range.ANY, shape));
      c.add(new Case("sum_0", in -> in.get(0).sum(0, false), Range.ANY, shape));
      c.add(new Case("sum_last_keep", in -> in.get(0).sum(-1, true), Range.ANY, shape));
      c.add(new Case("mean_all", in -> in.get(0).mean(), Range.ANY, shape));
      c.add(new Case("mean_0", in -> in.get(0).mean(0, true), Range.ANY, shape));
      c.add(new Case("max_all", in -> in.get(0).max(), Range.ANY, shape));
      c.add(new Case("max_last", in -> in.get(0).max(-1, false), Range.ANY, shape));
      c.add(new Case("reshape", in -> in.get(0).reshape(-1), Range.ANY, shape));
      c.add(new Case("slice", in -> in.get(0).slice(0, 1, in.get(0).shape().dim(0) - 1),
          Range.ANY, shape));
      c.add(new Case("concat_self", in -> Tensor.concat(0, in.get(0), in.get(0).mul(2)),
          Range.ANY, shape));
      c.add(new Case("broadcast_to", in -> in.get(0).broadcastTo(prepend(2, in.get(0))),
          Range.ANY, shape));
    }
    c.add(new Case("sum_axes_0_2", in -> in.get(0).sum(false, 0, 2), Range.ANY, s(2, 3, 4)));
    c.add(new Case("max_axes_0_2_keep", in -> in.get(0).max(true, 0, 2), Range.ANY, s(2, 3, 4)));
    c.add(new Case("mean_axes_neg", in -> in.get(0).mean(false, -1, -2), Range.ANY, s(2, 3, 4)));
    c.add(new Case("transpose", in -> in.get(0).transpose(), Range.ANY, s(3, 4)));
    c.add(new Case("transpose_batched", in -> in.get(0).transpose(), Range.ANY, s(2, 3, 4)));
    // views: no copy forward; the next op (here the sum of squares GradCheck takes, or a
    // product) reads them through a dense copy, and gradients reach the viewed tensor
    c.add(new Case("permute", in -> in.get(0).permute(2, 0, 1), Range.ANY, s(2, 3, 4)));
    c.add(new Case("transpose_0_2", in -> in.get(0).transpose(0, 2), Range.ANY, s(2, 3, 4)));
    c.add(new Case("transpose_view_matmul", in -> in.get(0).transpose(0, 1).matmul(in.get(1)),
        Range.ANY, s(4, 3), s(4, 2)));
    c.add(new Case("slice_step", in -> in.get(0).slice(1, 1, 6, 2), Range.ANY, s(2, 7)));
    c.add(new Case("slice_step_last", in -> in.get(0).slice(-1, 0, 4, 3), Range.ANY, s(3, 4)));
    c.add(new Case("expand", in -> in.get(0).expand(2, -1, 4), Range.ANY, s(3, 1)));
    c.add(new Case("squeeze", in -> in.get(0).squeeze(1), Range.ANY, s(3, 1, 2)));
    c.add(new Case("unsqueeze", in -> in.get(0).unsqueeze(-1), Range.ANY, s(3, 2)));
    c.add(new Case("contiguous", in -> in.get(0).permute(1, 0).contiguous(), Range.ANY,
        s(3, 2)));
    c.add(new Case("view_chain", in -> in.get(0).permute(1, 0, 2).slice(0, 0, 4, 3)
        .unsqueeze(0).squeeze(0).unsqueeze(1).expand(-1, 2, -1, -1).reshape(-1)
        .mul(in.get(1).reshape(-1)), Range.ANY, s(3, 4, 2), s(2, 2, 3, 2)));
    c.add(new Case("reshape_of_view", in -> in.get(0).transpose().reshape(-1), Range.ANY,
        s(3, 4)));
    c.add(new Case("reshape_split_of_step_slice", in -> in.get(0).slice(1, 0, 6, 2)
        .reshape(2, 2, 3), Range.ANY, s(4, 6)));
    c.add(new Case("reshape_of_expand", in -> in.get(0).expand(3, 4).reshape(3, 2, 2)
        .mul(in.get(1)), Range.ANY, s(3, 1), s(3, 2, 2)));
    c.add(new Case("matmul", in -> in.get(0).matmul(in.get(1)), Range.ANY, s(3, 4), s(4, 2)));
    c.add(new Case("matmul_vec", in -> in.get(0).matmul(in.get(1)), Range.ANY, s(1, 5), s(5, 1)));
    c.add(new Case("matmul_tA", in -> MatmulOps.matmul(in.get(0), true, in.get(1), false),
        Range.ANY, s(4, 3), s(4, 2)));
    c.add(new Case("matmul_tB", in -> MatmulOps.matmul(in.get(0), false, in.get(1), true),
        Range.ANY, s(3, 4), s(2, 4)));
    c.add(new Case("matmul_tAB", in -> MatmulOps.matmul(in.get(0), true, in.get(1), true),
        Range.ANY, s(4, 3), s(2, 4)));
    // batched: the batch axes broadcast (b shared, a shared, both batched, partly broadcast),
    // vectors, and the transpose flags on batched operands
    for (int[][] shapes : new int[][][] {
        {s(3, 2, 4), s(4, 5)}, {s(2, 4), s(3, 4, 5)}, {s(3, 2, 4), s(3, 4, 5)},
        {s(2, 1, 3, 4), s(5, 4, 2)}, {s(1, 2, 3), s(2, 3, 2)}, {s(4), s(2, 4, 3)},
        {s(2, 3, 4), s(4)}, {s(4), s(4)}, {s(4), s(4, 3)}}) {
      c.add(new Case("matmul_batched", in -> in.get(0).matmul(in.get(1)), Range.ANY, shapes));
    }
    c.add(new Case("matmul_batched_tA", in -> MatmulOps.matmul(in.get(0), true, in.get(1), false),
        Range.ANY, s(2, 4, 3), s(4, 2)));
    c.add(new Case("matmul_batched_tB", in -> MatmulOps.matmul(in.get(0), false, in.get(1), true),
        Range.ANY, s(3, 4), s(2, 1, 2, 4)));
    c.add(new Case("matmul_batched_tAB", in -> MatmulOps.matmul(in.get(0), true, in.get(1), true),
        Range.ANY, s(2, 4, 3), s(2, 2, 4)));
    c.add(new Case("matmul_batched_tB_shared", in -> MatmulOps.matmul(in.get(0), false, in.get(1),
        true), Range.ANY, s(2, 3, 4), s(5, 4)));
    c.add(new Case("affine_relu", in -> in.get(0).matmul(in.get(1)).add(in.get(2)).relu(),
        Range.OFF_KINK, s(3, 4), s(4, 5), s(5)));
    for (FusedActivation a : FusedActivation.values()) {
      Range range = a == FusedActivation.RELU ? Range.OFF_KINK : Range.ANY;
      c.add(new Case("bias_" + a.attrValue(), in -> BiasActivationOps.biasActivation(in.get(0),
          in.get(1), a), range, s(3, 4), s(4)));
      c.add(new Case("affine_bias_" + a.attrValue(), in -> BiasActivationOps.biasActivation(
          in.get(0).matmul(in.get(1)), in.get(2), a), range, s(3, 4), s(4, 5), s(5)));
    }
    // the mask is a constant of the graph: the gradient is g * mask (mul's rule)
    c.add(new Case("dropout", in -> in.get(0).mul(DropoutOps.dropoutMask(in.get(0), 0.5, 42, 3)),
        Range.ANY, s(5, 7)));
    c.add(new Case("concat_axis1", in -> Tensor.concat(1, in.get(0), in.get(1)), Range.ANY,
        s(2, 3), s(2, 4)));
    c.add(new Case("index_select_rows", in -> in.get(0).indexSelect(0,
        Tensor.indices(new int[] {2, 0, 2, 1})), Range.ANY, s(3, 4)));
    c.add(new Case("index_select_axis1", in -> in.get(0).indexSelect(1,
        Tensor.indices(new int[] {1, 1, 0})), Range.ANY, s(2, 3, 2)));
    for (int[] shape : new int[][] {s(10), s(4, 3), s(2, 6)}) {
      c.add(new Case("mse", in -> Losses.meanSquaredError(in.get(0), in.get(1)), Range.ANY,
          shape, shape));
      c.add(new Case("sse", in -> Losses.sumOfSquaresError(in.get(0), in.get(1)), Range.ANY,
          shape, shape));
      c.add(new Case("cross_entropy", in -> Losses.crossEntropyError(in.get(0), in.get(1)),
          Range.PROBABILITY, shape, shape));
      c.add(new Case("softmax_cross_entropy",
          in -> Losses.softmaxCrossEntropy(in.get(0), in.get(1)), Range.ANY, shape, shape));
      c.add(new Case("bce", in -> Losses.binaryCrossEntropy(in.get(0), in.get(1)),
          Range.PROBABILITY, shape, shape));
      c.add(new Case("bce_logits",
          in -> Losses.binaryCrossEntropyWithLogits(in.get(0), in.get(1)), Range.OFF_KINK,
          shape, shape));
    }
    c.add(new Case("softmax_ce_labels", in -> Losses.softmaxCrossEntropyLabels(in.get(0),
        Tensor.indices(new int[] {0, 2, 1, 2})), Range.ANY, s(4, 3)));
    c.add(new Case("cross_entropy_labels", in -> Losses.crossEntropyErrorLabels(in.get(0),
        Tensor.indices(new int[] {0, 2, 1, 2})), Range.PROBABILITY, s(4, 3)));
    c.add(new Case("two_layer_net", in -> Losses.softmaxCrossEntropy(
        in.get(0).matmul(in.get(1)).add(in.get(2)).sigmoid().matmul(in.get(3)).add(in.get(4)),
        Tensor.indices(new int[] {1, 0, 2}).oneHot(3, in.get(0).dtype())), Range.ANY,
        s(3, 4), s(4, 5), s(5), s(5, 3), s(3)));
    convolutionAndPooling(c);
    selectionAndStatistics(c);
    c.add(new Case("reuse_accumulates", in -> in.get(0).mul(in.get(0)).add(in.get(0).exp()),
        Range.ANY, s(2, 3)));
    return c.stream().map(Arguments::of);
  }

  /** abs, clamp, min, where, gather, scatterAdd, stack, logSumExp, logSoftmax, var and std. */
  private static void selectionAndStatistics(List<Case> c) {
    for (int[] shape : new int[][] {s(5), s(3, 4), s(2, 3, 2)}) {
      c.add(new Case("abs", in -> in.get(0).abs(), Range.OFF_KINK, shape));
      c.add(new Case("clamp", in -> in.get(0).clamp(-0.5, 0.7), Range.ANY, shape));
      c.add(new Case("clamp_min", in -> in.get(0).clampMin(0.2), Range.ANY, shape));
      c.add(new Case("clamp_max", in -> in.get(0).clampMax(-0.3), Range.ANY, shape));
      c.add(new Case("min_all", in -> in.get(0).min(), Range.ANY, shape));
      c.add(new Case("min_last", in -> in.get(0).min(-1, false), Range.ANY, shape));
      c.add(new Case("log_sum_exp_last", in -> in.get(0).logSumExp(-1, false), Range.ANY, shape));
      c.add(new Case("log_sum_exp_first_keep", in -> in.get(0).logSumExp(0, true), Range.ANY,
          shape));
      c.add(new Case("log_softmax_last", in -> in.get(0).logSoftmax(-1), Range.ANY, shape));
      c.add(new Case("log_softmax_first", in -> in.get(0).logSoftmax(0), Range.ANY, shape));
      c.add(new Case("var_0", in -> in.get(0).var(0, false), Range.ANY, shape));
      c.add(new Case("std_last_keep", in -> in.get(0).std(-1, true), Range.ANY, shape));
      c.add(new Case("stack_0", in -> Tensor.stack(0, in.get(0), in.get(0).mul(2)), Range.ANY,
          shape));
      c.add(new Case("stack_last", in -> Tensor.stack(-1, in.get(0), in.get(0).exp()), Range.ANY,
          shape));
    }
    c.add(new Case("min_axes_0_2_keep", in -> in.get(0).min(true, 0, 2), Range.ANY, s(2, 3, 4)));
    c.add(new Case("var_axes_0_2_c0", in -> in.get(0).var(false, 0, 0, 2), Range.ANY,
        s(2, 3, 4)));
    c.add(new Case("std_axes_all_c1", in -> in.get(0).std(false, 1, 0, 1, 2), Range.ANY,
        s(2, 3, 4)));
    c.add(new Case("stack_two_inputs", in -> Tensor.stack(1, in.get(0), in.get(1)), Range.ANY,
        s(2, 3), s(2, 3)));
    // cond fixed; a and b broadcast against it and each other
    c.add(new Case("where", in -> Tensor.where(Tensor.of(new double[] {1, 0, 0, 1, 1, 0},
        in.get(0).dtype(), 2, 3), in.get(0), in.get(1)), Range.ANY, s(2, 3), s(2, 3)));
    c.add(new Case("where_broadcast", in -> Tensor.where(Tensor.of(new double[] {0, 1, 1},
        in.get(0).dtype(), 3), in.get(0), in.get(1)), Range.ANY, s(2, 1), s(3)));
    c.add(new Case("where_int_cond", in -> Tensor.where(Tensor.indices(new int[] {1, 0, 3, 0})
        .reshape(4, 1), in.get(0), in.get(1)), Range.ANY, s(4, 2), s()));
    // repeated indices: gather's gradient accumulates, scatterAdd's adds twice
    c.add(new Case("gather_axis1", in -> in.get(0).gather(1, Tensor.indices(
        new int[] {2, 0, 2, 1, 1, 1}).reshape(2, 3)), Range.ANY, s(2, 4)));
    c.add(new Case("gather_axis0_smaller", in -> in.get(0).gather(0, Tensor.indices(
        new int[] {2, 0, 0, 1}).reshape(2, 2)), Range.ANY, s(3, 3)));
    c.add(new Case("gather_3d_axis1", in -> in.get(0).gather(1, Tensor.indices(
        new int[] {0, 1, 1, 0, 2, 2, 1, 0}).reshape(2, 2, 2)), Range.ANY, s(2, 3, 2)));
    c.add(new Case("scatter_add_axis1", in -> in.get(0).scatterAdd(1, Tensor.indices(
        new int[] {3, 0, 3, 1, 1, 2}).reshape(2, 3), in.get(1)), Range.ANY, s(2, 4), s(2, 3)));
    c.add(new Case("scatter_add_axis0", in -> in.get(0).scatterAdd(0, Tensor.indices(
        new int[] {1, 1, 0, 0, 2, 1}).reshape(2, 3), in.get(1)), Range.ANY, s(3, 3), s(2, 3)));
  }

  /** conv2d, its two gradient ops  /** conv2d, its two gradient ops, max and average pooling and theirs: strides, paddings, shapes. */
  private static void convolutionAndPooling(List<Case> c) {
    // x, weight, stride, padding
    int[][][] convs = {
        {s(2, 3, 5, 6), s(4, 3, 3, 2), s(1, 1), s(0, 0)},
        {s(1, 2, 7, 5), s(3, 2, 3, 3), s(2, 2), s(1, 1)},
        {s(2, 1, 4, 4), s(2, 1, 5, 5), s(1, 1), s(2, 2)},
        {s(1, 2, 6, 7), s(2, 2, 2, 3), s(2, 1), s(0, 2)}};
    for (int[][] v : convs) {
      int[] x = v[0];
      int[] w = v[1];
      int[] stride = v[2];
      int[] pad = v[3];
      String tag = "_s" + stride[0] + stride[1] + "_p" + pad[0] + pad[1];
      c.add(new Case("conv2d" + tag, in -> ConvOps.conv2d(in.get(0), in.get(1), in.get(2),
          stride, pad), Range.ANY, x, w, s(w[0])));
      c.add(new Case("conv2d_nobias" + tag, in -> ConvOps.conv2d(in.get(0), in.get(1), null,
          stride, pad), Range.ANY, x, w));
      int[] out = outputOf(x, w[0], w[2], w[3], stride, pad);
      c.add(new Case("conv2d_input_grad" + tag, in -> ConvOps.inputGrad(in.get(0), in.get(1),
          stride, pad, s(x[2], x[3])), Range.ANY, out, w));
      c.add(new Case("conv2d_weight_grad" + tag, in -> ConvOps.weightGrad(in.get(0), in.get(1),
          stride, pad, s(w[2], w[3])), Range.ANY, x, out));
    }
    // x, kernel, stride, padding
    int[][][] pools = {
        {s(2, 3, 4, 6), s(2, 2), s(2, 2), s(0, 0)},
        {s(1, 2, 5, 5), s(3, 3), s(2, 2), s(1, 1)},
        {s(2, 2, 5, 7), s(2, 3), s(1, 2), s(1, 0)}};
    for (int[][] v : pools) {
      int[] x = v[0];
      int[] k = v[1];
      int[] stride = v[2];
      int[] pad = v[3];
      String tag = "_k" + k[0] + k[1] + "_s" + stride[0] + stride[1] + "_p" + pad[0] + pad[1];
      dev.jgrad.api.op.Attrs a = dev.jgrad.api.op.Conv2dGeometry.attrs(k, stride, pad);
      int[] out = outputOf(x, x[1], k[0], k[1], stride, pad);
      c.add(new Case("max_pool2d" + tag, in -> PoolOps.maxPool2d(in.get(0), k, stride, pad),
          Range.ANY, x));
      c.add(new Case("max_pool2d_grad" + tag, in -> PoolOps.maxPool2dGrad(in.get(0), in.get(1),
          a), Range.ANY, x, out));
      c.add(new Case("avg_pool2d" + tag, in -> PoolOps.avgPool2d(in.get(0), k, stride, pad),
          Range.ANY, x));
      c.add(new Case("avg_pool2d_grad" + tag, in -> PoolOps.avgPool2dGrad(in.get(0), a, x[2],
          x[3]), Range.ANY, out));
    }
    c.add(new Case("conv_relu_pool_affine", in -> PoolOps.maxPool2d(ConvOps.conv2d(in.get(0),
        in.get(1), in.get(2), s(1, 1), s(0, 0)).relu(), s(2, 2), s(2, 2), s(0, 0))
        .reshape(2, -1).matmul(in.get(3)), Range.ANY, s(2, 1, 6, 6), s(3, 1, 3, 3), s(3),
        s(12, 2)));
  }

  /** The output shape of a convolution or pooling. */
  private static int[] outputOf(int[] x, int f, int kh, int kw, int[] stride, int[] pad) {
    return s(x[0], f, (x[2] + 2 * pad[0] - kh) / stride[0] + 1,
        (x[3] + 2 * pad[1] - kw) / stride[1] + 1);
  }

  private static int[] prepend(int d, Tensor t) {
    int[] dims = t.shape().dims();
    int[] out = new int[dims.length + 1];
    out[0] = d;
    System.arraycopy(dims, 0, out, 1, dims.length);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void autogradAgreesWithCentralDifferences(Case c) {
    GradCheck.Result r = GradCheck.gradCheck(c.f(), inputsOf(c));
    assertTrue(r.passed(), c + ": " + r);
  }

  /** The case's FLOAT64 inputs, drawn from a generator seeded by its name and shapes. */
  public static List<Tensor> inputsOf(Case c) {
    Random rnd = new Random(c.toString().hashCode());
    List<Tensor> inputs = new ArrayList<>();
    for (int[] shape : c.shapes()) {
      inputs.add(Tensor.of(draw(rnd, c.range(), shape), DType.FLOAT64, shape));
    }
    return inputs;
  }

  public static double[] draw(Random rnd, Range range, int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u = rnd.nextDouble();
      v[i] = switch (range) {
        case ANY -> rnd.nextGaussian();
        case POSITIVE -> 0.5 + 1.5 * u;
        case OFF_KINK -> (u < 0.5 ? -1 : 1) * (0.1 + u);
        case PROBABILITY -> 0.05 + 0.9 * u;
        case ONE_HOT, LABEL01 -> u < 0.5 ? 0 : 1;
      };
    }
    return v;
  }
}
