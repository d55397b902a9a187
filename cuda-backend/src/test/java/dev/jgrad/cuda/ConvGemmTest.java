package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.HostBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Conv2dGeometry;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.PtxSignature;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvGemm}'s orchestration without a GPU: the same code runs on the CPU backend's
 * buffers, each product computed by the column-major GEMM of {@link GemmPlanTest} with the
 * arguments {@link GemmPlan} gives cuBLAS, and each {@code conv.ptx} launch checked against the
 * entry's parameters in the PTX, then run by a Java loop with the kernel's meaning (the CUDA C
 * itself is checked on the emulator by KernelEmulationTest). Results against direct convolution
 * loops, in one chunk and in several, in FLOAT64.
 */
class ConvGemmTest {
  private static final Map<String, List<String>> SIGNATURES =
      PtxSignature.parse(CudaConvKernels.PTX);
  private final CpuBackend cpu = new CpuBackend();
  private final List<String> launched = new ArrayList<>();
  private int products;

  /** n, c, h, w, f, kh, kw, sh, sw, ph, pw. */
  private static final int[][] CASES = {
      {1, 1, 5, 5, 2, 3, 3, 1, 1, 0, 0}, {3, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1},
      {3, 1, 6, 7, 2, 2, 3, 2, 2, 2, 1}, {1, 3, 4, 5, 3, 5, 3, 1, 2, 2, 2},
      {3, 3, 5, 5, 2, 1, 1, 2, 2, 0, 0}, {4, 2, 6, 6, 3, 3, 3, 1, 1, 1, 1}};

  @Test
  void forwardAndGradientsMatchDirectLoopsInOneChunkAndInSeveral() {
    for (int[] k : CASES) {
      Conv2dGeometry g = new Conv2dGeometry(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8],
          k[9], k[10], (k[2] + 2 * k[9] - k[5]) / k[7] + 1, (k[3] + 2 * k[10] - k[6]) / k[8] + 1);
      long perSample = (long) (g.patchSize() + g.f()) * g.outPlane() * 8;
      // everything at once; one sample per chunk; two samples per chunk (a short last chunk)
      for (long scratch : new long[] {ConvGemm.SCRATCH_BYTES, perSample, 2 * perSample + 7}) {
        check(g, scratch);
      }
    }
  }

  @Test
  void chunksKeepTheScratchWithinTheLimit() {
    Conv2dGeometry g = new Conv2dGeometry(256, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 56, 56);
    long perSample = (64L * 9 + 64) * 56 * 56 * 4; // 8,028,160 bytes in FLOAT32
    assertEquals(33, ConvGemm.samplesPerChunk(g, DType.FLOAT32, ConvGemm.SCRATCH_BYTES));
    assertEquals(16, ConvGemm.samplesPerChunk(g, DType.FLOAT64, ConvGemm.SCRATCH_BYTES));
    assertEquals(1, ConvGemm.samplesPerChunk(g, DType.FLOAT32, perSample - 1)); // never 0
    assertEquals(256, ConvGemm.samplesPerChunk(g, DType.FLOAT32, Long.MAX_VALUE)); // never > n
  }

  private void check(Conv2dGeometry g, long scratch) {
    String what = g + " scratch " + scratch;
    Random r = new Random(g.hashCode());
    double[] x = random(r, g.n() * g.c() * g.inPlane());
    double[] w = random(r, g.f() * g.patchSize());
    double[] bias = random(r, g.f());
    double[] gy = random(r, g.n() * g.f() * g.outPlane());
    int chunks = (g.n() + ConvGemm.samplesPerChunk(g, DType.FLOAT64, scratch) - 1)
        / ConvGemm.samplesPerChunk(g, DType.FLOAT64, scratch);
    ConvGemm conv = new ConvGemm(cpu, this::multiply, this::launch, scratch);
    Attrs attrs = Attrs.of(AttrKeys.STRIDE, new int[] {g.sh(), g.sw()}, AttrKeys.PADDING,
        new int[] {g.ph(), g.pw()}, AttrKeys.INPUT_SIZE, new int[] {g.h(), g.w()},
        AttrKeys.KERNEL, new int[] {g.kh(), g.kw()});
    Shape xs = g.inputShape();
    Shape ws = Shape.of(g.f(), g.c(), g.kh(), g.kw());
    Shape ys = g.outputShape();

    for (boolean withBias : new boolean[] {true, false}) {
      launched.clear();
      products = 0;
      double[] out = withBias
          ? run(conv::conv2d, attrs, ys, xs, x, ws, w, Shape.of(g.f()), bias)
          : run(conv::conv2d, attrs, ys, xs, x, ws, w);
      assertClose(forward(g, x, w, withBias ? bias : null), out, "conv2d bias=" + withBias + " "
          + what);
      assertEquals(chunks, products, "one product per chunk, " + what);
      assertEquals(2 * chunks, launched.size(), "im2col and to_nchw per chunk, " + what);
    }
    assertClose(inputGrad(g, gy, w), run(conv::inputGrad, attrs, xs, ys, gy, ws, w),
        "conv2d_input_grad " + what);
    assertClose(weightGrad(g, x, gy), run(conv::weightGrad, attrs, ws, xs, x, ys, gy),
        "conv2d_weight_grad " + what);
  }

  /** Runs one kernel on the CPU backend's buffers: inputs as (shape, values) pairs. */
  private double[] run(java.util.function.Consumer<KernelCall> kernel, Attrs attrs, Shape out,
      Object... shapesAndValues) {
    List<DeviceBuffer> in = new ArrayList<>();
    List<TensorSpec> specs = new ArrayList<>();
    for (int i = 0; i < shapesAndValues.length; i += 2) {
      specs.add(new TensorSpec((Shape) shapesAndValues[i], DType.FLOAT64));
      in.add(cpu.upload((double[]) shapesAndValues[i + 1]));
    }
    DeviceBuffer o = cpu.allocate(DType.FLOAT64, out.size());
    cpu.fill(o, Double.NaN); // every entry must be written
    kernel.accept(new KernelCall(cpu, in, specs, attrs, o, new TensorSpec(out, DType.FLOAT64)));
    double[] result = new double[(int) out.size()];
    cpu.download(o, result);
    return result;
  }

  /** The product as cuBLAS is asked for it: the plan's arguments, column-major. */
  private void multiply(ConvGemm.Product p, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out) {
    products++;
    assertEquals((long) p.m() * p.k(), a.length(), "a of " + p);
    assertEquals((long) p.k() * p.n(), b.length(), "b of " + p);
    assertEquals((long) p.m() * p.n(), out.length(), "out of " + p);
    GemmPlan plan = p.plan();
    GemmPlanTest.columnMajorGemm(plan.opFirst(), plan.opSecond(), plan.m(), plan.n(), plan.k(),
        array(b), plan.ldFirst(), array(a), plan.ldSecond(), array(out), plan.ldc());
  }

  /** Checks the launch against conv.ptx, then does what the entry does. */
  private void launch(String entry, DType dtype, long threads, List<Object> args) {
    String name = FusedKernels.entry(entry, dtype);
    List<String> types = SIGNATURES.get(name);
    assertNotNull(types, name + " is missing from conv.ptx");
    assertEquals(types.size(), PtxPluginLauncher.convert(name, types, args, dtype,
        b -> new CUdeviceptr()).size(), name);
    launched.add(entry);
    boolean toNchw = entry.equals("jg_conv_to_nchw");
    long s0 = s(args, toNchw ? 3 : 2); // to_nchw has three buffers before s0 and ns, the others two
    long ns = s(args, toNchw ? 4 : 3);
    switch (entry) {
      case "jg_conv_im2col" -> im2col(array(args.get(0)), array(args.get(1)), s0, ns,
          geometry(args), threads);
      case "jg_conv_col2im" -> col2im(array(args.get(0)), array(args.get(1)), s0, ns,
          geometry(args), threads);
      case "jg_conv_to_nchw" -> toNchw(array(args.get(0)),
          args.get(1) instanceof DeviceBuffer b ? array(b) : null, array(args.get(2)), (int) s0,
          (int) ns, (int) s(args, 5), (int) s(args, 6), threads);
      case "jg_conv_from_nchw" -> fromNchw(array(args.get(0)), array(args.get(1)), (int) s0,
          (int) ns, (int) s(args, 4), (int) s(args, 5), threads);
      default -> throw new AssertionError("unexpected launch of " + entry);
    }
  }

  private static long s(List<Object> args, int i) {
    return (Long) args.get(i);
  }

  private static Conv2dGeometry geometry(List<Object> args) {
    int[] v = new int[13];
    for (int i = 0; i < 13; i++) {
      v[i] = (int) s(args, 4 + i);
    }
    return new Conv2dGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
        v[11], v[12]);
  }

  // ---- the kernels' meaning (conv.cu), one loop each ----------------------------------------

  private static void im2col(double[] x, double[] cols, long s0, long ns, Conv2dGeometry g,
      long threads) {
    int width = (int) ns * g.outPlane();
    assertEquals((long) g.patchSize() * width, threads, "im2col threads");
    for (int row = 0; row < g.patchSize(); row++) {
      int j = row % g.kw();
      int i = row / g.kw() % g.kh();
      int ch = row / (g.kw() * g.kh());
      for (int col = 0; col < width; col++) {
        int ox = col % g.ow();
        int oy = col / g.ow() % g.oh();
        int s = (int) s0 + col / g.outPlane();
        int y = oy * g.sh() - g.ph() + i;
        int xx = ox * g.sw() - g.pw() + j;
        cols[row * width + col] = y >= 0 && y < g.h() && xx >= 0 && xx < g.w()
            ? x[((s * g.c() + ch) * g.h() + y) * g.w() + xx] : 0;
      }
    }
  }

  private static void col2im(double[] cols, double[] dx, long s0, long ns, Conv2dGeometry g,
      long threads) {
    assertEquals(ns * g.c() * g.inPlane(), threads, "col2im threads");
    int width = (int) ns * g.outPlane();
    int base = (int) s0 * g.c() * g.inPlane();
    java.util.Arrays.fill(dx, base, base + (int) threads, 0);
    for (int row = 0; row < g.patchSize(); row++) { // scatter: the adjoint of im2col
      int j = row % g.kw();
      int i = row / g.kw() % g.kh();
      int ch = row / (g.kw() * g.kh());
      for (int col = 0; col < width; col++) {
        int y = col / g.ow() % g.oh() * g.sh() - g.ph() + i;
        int xx = col % g.ow() * g.sw() - g.pw() + j;
        int s = (int) s0 + col / g.outPlane();
        if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
          dx[((s * g.c() + ch) * g.h() + y) * g.w() + xx] += cols[row * width + col];
        }
      }
    }
  }

  private static void toNchw(double[] prod, double[] bias, double[] out, int s0, int ns, int f,
      int plane, long threads) {
    assertEquals((long) ns * f * plane, threads, "to_nchw threads");
    for (int s = 0; s < ns; s++) {
      for (int fo = 0; fo < f; fo++) {
        for (int p = 0; p < plane; p++) {
          out[((s0 + s) * f + fo) * plane + p] = prod[(fo * ns + s) * plane + p]
              + (bias == null ? 0 : bias[fo]);
        }
      }
    }
  }

  private static void fromNchw(double[] gy, double[] perm, int s0, int ns, int f, int plane,
      long threads) {
    assertEquals((long) ns * f * plane, threads, "from_nchw threads");
    for (int s = 0; s < ns; s++) {
      for (int fo = 0; fo < f; fo++) {
        for (int p = 0; p < plane; p++) {
          perm[(fo * ns + s) * plane + p] = gy[((s0 + s) * f + fo) * plane + p];
        }
      }
    }
  }

  // ---- direct convolution, the reference ----------------------------------------------------

  /** One in-bounds tap: filter, channel, kernel row and column, input and output offsets. */
  private interface Tap {
    void at(int fo, int ch, int i, int j, int xIndex, int outIndex);
  }

  /** Calls {@code body} for every tap of every output entry. */
  private static void taps(Conv2dGeometry g, Tap body) {
    for (int s = 0; s < g.n(); s++) {
      for (int fo = 0; fo < g.f(); fo++) {
        for (int oy = 0; oy < g.oh(); oy++) {
          for (int ox = 0; ox < g.ow(); ox++) {
            for (int ch = 0; ch < g.c(); ch++) {
              for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                  int y = oy * g.sh() - g.ph() + i;
                  int xx = ox * g.sw() - g.pw() + j;
                  if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                    body.at(fo, ch, i, j, ((s * g.c() + ch) * g.h() + y) * g.w() + xx,
                        ((s * g.f() + fo) * g.oh() + oy) * g.ow() + ox);
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  private static int wIndex(Conv2dGeometry g, int fo, int ch, int i, int j) {
    return ((fo * g.c() + ch) * g.kh() + i) * g.kw() + j;
  }

  private static double[] forward(Conv2dGeometry g, double[] x, double[] w, double[] bias) {
    double[] out = new double[g.n() * g.f() * g.outPlane()];
    for (int e = 0; e < out.length; e++) {
      out[e] = bias == null ? 0 : bias[e / g.outPlane() % g.f()];
    }
    taps(g, (fo, ch, i, j, xi, oi) -> out[oi] += x[xi] * w[wIndex(g, fo, ch, i, j)]);
    return out;
  }

  private static double[] inputGrad(Conv2dGeometry g, double[] gy, double[] w) {
    double[] dx = new double[g.n() * g.c() * g.inPlane()];
    taps(g, (fo, ch, i, j, xi, oi) -> dx[xi] += gy[oi] * w[wIndex(g, fo, ch, i, j)]);
    return dx;
  }

  private static double[] weightGrad(Conv2dGeometry g, double[] x, double[] gy) {
    double[] dw = new double[g.f() * g.patchSize()];
    taps(g, (fo, ch, i, j, xi, oi) -> dw[wIndex(g, fo, ch, i, j)] += x[xi] * gy[oi]);
    return dw;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static double[] array(Object buffer) {
    return ((HostBuffer) buffer).doubleArray();
  }

  private static double[] random(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  private static void assertClose(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-10 * (1 + Math.abs(want[i])), what + " element " + i);
    }
  }
}
