package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.cpu.CpuBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA C kernels on the emulator (src/test/cuda/special_values_main.cpp) against the CPU
 * backend for NaN, infinities, zeros of both signs, subnormals and values whose results overflow:
 * unary, binary and scalar ops, the three reduction kernels, bias + activation, ReLU's gradient
 * and the softmax cross-entropy kernels. The CPU's results come from {@link CpuBackend} itself
 * (the primitives; the loss from a mirror of CpuLossKernels' double loop). A result passes when
 * NaN meets NaN, an infinity itself, a zero a zero of the same sign, and anything else lies within
 * the tolerance BackendParityTest allows. Runs where g++ exists.
 */
class SpecialValueEmulationTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  /** Inputs of the unary ops: specials, and values whose exp, tanh or sigmoid saturate. */
  private static double[] unaryInputs(DType dtype) {
    double tiny = dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    return new double[] {NAN, INF, -INF, 0.0, -0.0, 1, -1, 3, 0.5, 20, -20, 88.8, -88.8, 100,
        -100, 104, -104, 710, -710, 720, -720, 745, -746, 1000, -1000, tiny, -tiny, max, -max};
  }

  /** Operands of the binary and scalar ops (all pairs). */
  private static double[] operands(DType dtype) {
    double tiny = dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    return new double[] {NAN, INF, -INF, 0.0, -0.0, 1, -1, 2, -2, 0.5, 3, max, -max, tiny};
  }

  private final Backend cpu = new CpuBackend();
  private final List<String> lines = new ArrayList<>();
  private final List<Expected> expected = new ArrayList<>();

  /** What a case's output must be: values (or ARGMAX's indices), the tolerance, a name. */
  private record Expected(String what, DType dtype, double[] values, double tolerance,
      boolean zeroSign) {}

  @Test
  void kernelsGiveTheCpusSpecialValues(@TempDir Path tmp) throws Exception {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      double elementwise = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
      double accumulated = dtype == DType.FLOAT32 ? 1e-4 : 1e-10;
      unary(dtype, elementwise);
      binaryAndScalar(dtype, elementwise);
      reduce(dtype, accumulated);
      biasActivation(dtype, elementwise);
      reluGrad(dtype);
      softmaxCrossEntropy(dtype, accumulated);
      pooling(dtype, elementwise);
      convert(dtype);
      optimizers(dtype);
    }
    Path input = tmp.resolve("cases.txt");
    Files.write(input, lines);
    Path exe = TestTools.compileWithEmulator("special_values_main.cpp", tmp.resolve("specials"));
    TestTools.Run r = TestTools.run(List.of(exe.toString(), input.toString()), Map.of(), null);
    assertEquals(0, r.exit(), r.output());
    String[] out = r.output().split("\n");
    assertEquals(lines.size(), out.length, r.output());
    List<String> failures = new ArrayList<>();
    for (int c = 0; c < out.length; c++) {
      compare(expected.get(c), out[c], failures);
    }
    assertTrue(failures.isEmpty(), failures.size() + " cases differ from the CPU:\n"
        + String.join("\n", failures));
  }

  private void unary(DType dtype, double tol) {
    double[] x = unaryInputs(dtype);
    for (UnaryOp op : UnaryOp.values()) {
      DeviceBuffer out = cpu.allocate(dtype, x.length);
      cpu.unary(op, upload(dtype, x), out);
      add("unary " + dtype(dtype) + " " + OpCodes.unary(op) + " " + x.length + bits(dtype, x),
          new Expected("unary(" + op + ") " + dtype + " of " + str(x), dtype, read(out), tol,
              true));
    }
  }

  private void binaryAndScalar(DType dtype, double tol) {
    double[] v = operands(dtype);
    double[][] pairs = allPairs(v);
    double[] a = pairs[0];
    double[] b = pairs[1];
    Shape s = Shape.of(a.length);
    for (BinaryOp op : BinaryOp.values()) {
      DeviceBuffer out = cpu.allocate(dtype, a.length);
      cpu.binary(op, upload(dtype, a), s, upload(dtype, b), s, out, s);
      add("binary " + dtype(dtype) + " " + OpCodes.binary(op) + " " + a.length + bits(dtype, a)
          + bits(dtype, b), new Expected("binary(" + op + ") " + dtype + " of pairs from "
          + str(v), dtype, read(out), tol, true));
      for (double scalar : v) {
        DeviceBuffer o = cpu.allocate(dtype, v.length);
        cpu.scalar(op, upload(dtype, v), scalar, o);
        add("scalar " + dtype(dtype) + " " + OpCodes.binary(op) + bits(dtype, new double[] {
            scalar}) + " " + v.length + bits(dtype, v), new Expected("scalar(" + op + ", "
            + scalar + ") " + dtype + " of " + str(v), dtype, read(o), tol, true));
      }
    }
  }

  /**
   * {outer, axis, inner, kernel}: every kernel, one line and several, strided (at least 11
   * lines: line 10 is the overflowing sum).
   */
  private static final int[][] REDUCE_VIEWS = {
      {1, 7, 1, 0}, {3, 7, 1, 0}, {2, 5, 3, 0}, {1, 300, 1, 1}, {2, 70, 1, 1}, {1, 40, 3, 2},
      {2, 33, 35, 2}, {12, 5, 1, 0}, {12, 70, 1, 1}, {4, 5, 3, 0}};

  private void reduce(DType dtype, double accumulated) {
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    Random random = new Random(7);
    for (ReduceOp op : ReduceOp.values()) {
      for (int[] v : REDUCE_VIEWS) {
        int outer = v[0];
        int axis = v[1];
        int inner = v[2];
        double[] x = new double[outer * axis * inner];
        for (int i = 0; i < x.length; i++) {
          x[i] = Math.round(random.nextDouble() * 8 - 4) / 4.0;
        }
        int lines = outer * inner;
        for (int line = 0; line < lines; line++) {
          int o = line / inner;
          int first = o * axis * inner + line % inner;
          int mid = first + (axis / 2) * inner;
          int last = first + (axis - 1) * inner;
          switch (line % 11) {
            case 0 -> { x[mid] = NAN; x[last] = NAN; }
            case 1 -> x[last] = INF;
            case 2 -> { for (int a = 0; a < axis; a++) x[first + a * inner] = -INF; }
            case 3 -> { x[first] = INF; x[mid] = INF; }
            case 4 -> { x[first] = -INF; x[last] = INF; }
            case 5 -> { for (int a = 0; a < axis; a++) x[first + a * inner] = -0.0; x[mid] = 0.0; }
            case 6 -> { for (int a = 0; a < axis; a++) x[first + a * inner] = -0.0; }
            case 7 -> { for (int a = 0; a < axis; a++) x[first + a * inner] = -1 - a; x[mid] = 0.0;
                x[last] = -0.0; }
            case 8 -> { x[mid] = max; x[last] = max; }
            case 9 -> x[first] = -INF;
            case 10 -> { // partial sums past the dtype's range: the CPU adds FLOAT32 lines
              // in double, along rows and down columns; FLOAT64 would hold the kernels to the
              // CPU's order of adding (elements 0 and 64 are one thread's of the emulated row
              // kernel's 64; 0, 1 and 2 of a column are three rows of the tiled kernel's
              // threads, whose partial sums overflow as they merge)
              if (dtype == DType.FLOAT32) {
                x[first] = max * 0.75;
                x[first + (inner == 1 && axis > 64 ? 64 : 1) * inner] = max * 0.75;
                x[inner == 1 ? last : first + 2 * inner] = -max * 0.75;
              }
            }
            default -> { }
          }
        }
        DeviceBuffer out = cpu.allocate(op == ReduceOp.ARGMAX ? DType.INT32 : dtype, lines);
        cpu.reduce(op, upload(dtype, x), outer, axis, inner, out);
        double[] want = new double[lines];
        if (op == ReduceOp.ARGMAX) {
          int[] idx = new int[lines];
          cpu.download(out, idx);
          for (int i = 0; i < lines; i++) want[i] = idx[i];
        } else {
          want = read(out);
        }
        add("reduce " + dtype(dtype) + " " + OpCodes.reduce(op) + " " + v[3] + " " + outer + " "
            + axis + " " + inner + bits(dtype, x), new Expected("reduce(" + op + ") " + dtype
            + " [outer, axis, inner, kernel] = " + java.util.Arrays.toString(v)
            + " (line % 11 picks the specials)", op == ReduceOp.ARGMAX ? DType.INT32 : dtype,
            want, op == ReduceOp.SUM ? accumulated : 0, op == ReduceOp.MAX));
      }
    }
  }

  private void biasActivation(DType dtype, double tol) {
    double[] v = unaryInputs(dtype);
    int rows = 3;
    int cols = v.length;
    double[] x = new double[rows * cols];
    double[] bias = new double[cols];
    for (int j = 0; j < cols; j++) {
      x[j] = v[j];
      x[cols + j] = v[j];
      x[2 * cols + j] = v[(j + 5) % cols];
      bias[j] = j % 3 == 0 ? v[(j * 7) % cols] : j % 3 == 1 ? -0.0 : 0.0;
    }
    for (dev.jgrad.api.op.FusedActivation act : dev.jgrad.api.op.FusedActivation.values()) {
      double[] want;
      try (dev.jgrad.api.Backends.Scope scope = dev.jgrad.api.Backends.use(
          dev.jgrad.api.Backends.byName("cpu"))) { // the CPU's registered kernel (native or Java)
        want = dev.jgrad.autograd.ops.BiasActivationOps.biasActivation(
            dev.jgrad.autograd.Tensor.of(x, dtype, rows, cols),
            dev.jgrad.autograd.Tensor.of(bias, dtype, cols), act).toDoubleArray();
      }
      add("biasact " + dtype(dtype) + " " + (act.unaryOp() == null ? 100
          : OpCodes.unary(act.unaryOp())) + " " + rows + " " + cols + bits(dtype, x)
          + bits(dtype, bias), new Expected("bias_activation(" + act + ") " + dtype, dtype, want,
          tol, true));
    }
  }

  private void reluGrad(DType dtype) {
    double[] v = operands(dtype);
    double[][] pairs = allPairs(v);
    double[] g = pairs[0];
    double[] x = pairs[1];
    double[] want;
    try (dev.jgrad.api.Backends.Scope scope = dev.jgrad.api.Backends.use(
        dev.jgrad.api.Backends.byName("cpu"))) { // the CPU's registered kernel (native or Java)
      want = dev.jgrad.autograd.ops.ActivationOps.reluGrad(
          dev.jgrad.autograd.Tensor.of(g, dtype, g.length),
          dev.jgrad.autograd.Tensor.of(x, dtype, x.length)).toDoubleArray();
    }
    add("relugrad " + dtype(dtype) + " " + g.length + bits(dtype, g) + bits(dtype, x),
        new Expected("relu_grad " + dtype + " (g, x) pairs from " + str(v), dtype, want, 0,
            true));
  }

  /** Rows of logits with NaN, infinities and huge values; labels on and off the specials. */
  private void softmaxCrossEntropy(DType dtype, double tol) {
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    double[][] rows = {
        {1, 2, 3, 4}, {1, NAN, 3, 4}, {1, INF, 3, 4}, {-INF, 2, 3, 4}, {-INF, -INF, -INF, -INF},
        {INF, INF, 0, 0}, {max, 0, -max, 1}, {-max, -max, -max, -max}, {1000, -1000, 0, 5},
        {-0.0, 0.0, -0.0, 0.0}, {3, 3, 3, -INF}, {max * 0.3, 0, -max * 0.3, 0}};
    // row 11's loss is 0.6 max: two of them overflow a sum in the dtype, not their mean
    int[][] labelSets = {{0, 0, 1, 0, 0, 2, 0, 2, 1, 0, 3, 2}, {3, 1, 1, 2, 3, 0, 2, 0, 0, 1, 0, 2}};
    int k = 4;
    for (int[] labels : labelSets) {
      for (int[] pick : new int[][] {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {0, 3, 8, 9}, {0, 1},
          {0, 3, 10}, {0, 2}, {11, 11}, {11, 0, 11}}) {
        int n = pick.length;
        double[] logits = new double[n * k];
        int[] l = new int[n];
        for (int r = 0; r < n; r++) {
          System.arraycopy(rows[pick[r]], 0, logits, r * k, k);
          l[r] = labels[pick[r]];
        }
        double[] stored = read(upload(dtype, logits)); // rounded to the dtype
        double[] loss = new double[n];
        for (int r = 0; r < n; r++) { // per row, as CpuLossKernels' loop adds them, in double
          double[] row = java.util.Arrays.copyOfRange(stored, r * k, r * k + k);
          double m = Double.NEGATIVE_INFINITY;
          for (double v : row) {
            if (v > m || v != v) {
              m = v;
              if (v != v) break;
            }
          }
          double sum = 0;
          for (double v : row) sum += Math.exp(v - m);
          loss[r] = Math.log(sum) + m - row[l[r]];
        }
        String labelText = java.util.Arrays.stream(l).mapToObj(Integer::toString)
            .reduce("", (x, y) -> x + " " + y);
        String what = dtype + " rows " + java.util.Arrays.toString(pick) + " labels" + labelText;
        for (double upstream : new double[] {1, INF, 0}) {
          double[][] cpuLoss = cpuSoftmaxCrossEntropy(dtype, stored, l, upstream);
          add("xent " + dtype(dtype) + " " + n + " " + k + bits(dtype, new double[] {1.0 / n})
              + (upstream == 1 ? " -" : bits(dtype, new double[] {upstream})) + labelText
              + bits(dtype, stored), new Expected("softmax_xent " + what + " upstream "
              + upstream + " (losses, then gradient)", dtype,
              concat(stored(dtype, loss), cpuLoss[1]), tol, false));
          if (upstream == 1) {
            add("xentmean " + dtype(dtype) + " " + n + " " + k + bits(dtype, new double[] {
                1.0 / n}) + labelText + bits(dtype, stored), new Expected("softmax_xent_mean "
                + what, dtype, cpuLoss[0], tol, false));
          }
        }
      }
    }
  }

  /**
   * The CPU backend's mean loss of softmaxCrossEntropyLabels (autograd's op, so its registered
   * CPU kernel: native or Java) and the logits' gradient for a given upstream gradient.
   */
  private static double[][] cpuSoftmaxCrossEntropy(DType dtype, double[] logits, int[] labels,
      double upstream) {
    try (dev.jgrad.api.Backends.Scope scope = dev.jgrad.api.Backends.use(
        dev.jgrad.api.Backends.byName("cpu"))) {
      dev.jgrad.autograd.Tensor x = dev.jgrad.autograd.Tensor.of(logits, dtype, labels.length,
          logits.length / labels.length).requiresGrad(true);
      dev.jgrad.autograd.Tensor loss = dev.jgrad.autograd.Losses.softmaxCrossEntropyLabels(x,
          dev.jgrad.autograd.Tensor.indices(labels));
      loss.backward(dev.jgrad.autograd.Tensor.scalar(upstream, dtype));
      return new double[][] {loss.toDoubleArray(), x.grad().toDoubleArray()};
    }
  }

  /**
   * Max and average pooling and their gradients (autograd's ops on the CPU backend) over a plane
   * of NaN, infinities, zeros of both signs and values whose window sums overflow the dtype.
   * The sign of a zero in max pooling's gradient is not compared: the CPU's own kernels differ
   * there (FLOAT32 2x2 windows copy a -0 gradient to the winner, the other loops add it to +0).
   */
  private void pooling(DType dtype, double tol) {
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    double big = max * 0.75;
    double[] plane = {
        1, NAN, 2, 3, -INF,
        big, big, INF, 0, -0.0,
        big, big, -2, NAN, 6,
        -0.0, -0.0, 8, -big, -big,
        -0.0, -0.0, -4, -big, -big};
    int[][] windows = {{2, 2, 2, 0}, {2, 2, 1, 0}, {3, 3, 1, 1}, {2, 2, 2, 1}};
    Backend registered = dev.jgrad.api.Backends.byName("cpu");
    for (int[] k : windows) {
      int[] kernel = {k[0], k[1]};
      int[] stride = {k[2], k[2]};
      int[] padding = {k[3], k[3]};
      int o = (5 + 2 * k[3] - k[0]) / k[2] + 1;
      double[] g = new double[o * o];
      for (int i = 0; i < g.length; i++) {
        g[i] = i % 3 == 0 ? big : i % 3 == 1 ? -0.0 : 1.5;
      }
      for (boolean isMax : new boolean[] {true, false}) {
        double[] want;
        try (dev.jgrad.api.Backends.Scope scope = dev.jgrad.api.Backends.use(registered)) {
          dev.jgrad.autograd.Tensor x = dev.jgrad.autograd.Tensor.of(plane, dtype, 1, 1, 5, 5)
              .requiresGrad(true);
          dev.jgrad.autograd.Tensor y = isMax
              ? dev.jgrad.autograd.ops.PoolOps.maxPool2d(x, kernel, stride, padding)
              : dev.jgrad.autograd.ops.PoolOps.avgPool2d(x, kernel, stride, padding);
          y.backward(dev.jgrad.autograd.Tensor.of(g, dtype, y.shape().dims()));
          double[] out = y.toDoubleArray();
          double[] dx = x.grad().toDoubleArray();
          want = new double[out.length + dx.length];
          System.arraycopy(out, 0, want, 0, out.length);
          System.arraycopy(dx, 0, want, out.length, dx.length);
        }
        add("pool " + dtype(dtype) + " " + (isMax ? 1 : 0) + " 1 1 5 5 " + k[0] + " " + k[1]
            + " " + k[2] + " " + k[2] + " " + k[3] + " " + k[3] + bits(dtype, plane)
            + bits(dtype, g), new Expected((isMax ? "max" : "avg") + "_pool2d " + dtype
            + " [kernel, kernel, stride, padding] = " + java.util.Arrays.toString(k)
            + " (output, then the input's gradient)", dtype, want, tol, !isMax));
      }
    }
  }

  /** To every dtype: NaN to 0, saturating and truncating to INT32, the low byte to UINT8. */
  private void convert(DType dtype) {
    double[] x = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(unaryInputs(dtype)),
        java.util.stream.DoubleStream.of(2.5, -2.5, 255.9, 256, 257, -1.5, 3e9, -3e9, 2147483647.0,
            -2147483648.0, 2147483520.0, 1e300)).toArray();
    for (DType to : DType.values()) {
      DeviceBuffer out = cpu.allocate(to, x.length);
      cpu.convert(upload(dtype, x), out);
      double[] want = new double[x.length];
      if (to == DType.INT32) {
        int[] ints = new int[x.length];
        cpu.download(out, ints);
        for (int i = 0; i < ints.length; i++) want[i] = ints[i];
      } else {
        want = read(out);
      }
      add("convert " + dtype(dtype) + " " + OpCodes.dtype(to) + " " + x.length + bits(dtype, x),
          new Expected("convert " + dtype + " to " + to + " of " + str(x), to, want, 0, true));
    }
  }

  /** SGD (with and without momentum) and Adam, bit for bit, on special gradients and states. */
  private void optimizers(DType dtype) {
    double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    double[] v = operands(dtype);
    double[][] pairs = allPairs(v);
    double[] p = pairs[0];
    double[] g = pairs[1];
    double[] state = new double[p.length];
    double[] second = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      state[i] = v[(i * 5 + 3) % v.length];
      second[i] = i % 4 == 0 ? 0.0 : i % 4 == 1 ? INF : i % 4 == 2 ? max : 1e-3;
    }
    double[] rounded = stored(dtype, new double[] {0.1, 0.9, 1e-4});
    DeviceBuffer lr = cpu.upload(new double[] {0.1});
    for (boolean momentum : new boolean[] {false, true}) {
      DeviceBuffer param = upload(dtype, p);
      DeviceBuffer velocity = momentum ? upload(dtype, state) : null;
      ((CpuBackend) cpu).sgdUpdate(param, upload(dtype, g), velocity, lr, 0.9, 1e-4);
      double[] want = concat(read(param), momentum ? read(velocity) : stored(dtype, state));
      add("sgd " + dtype(dtype) + " " + (momentum ? 1 : 0) + bits(dtype, rounded) + " " + p.length
          + bits(dtype, p) + bits(dtype, g) + bits(dtype, state), new Expected("sgd " + dtype
          + (momentum ? " with momentum" : "") + " (param, grad) pairs from " + str(v)
          + " (params, then velocities)", dtype, want, 0, true));
    }
    DeviceBuffer param = upload(dtype, p);
    DeviceBuffer m = upload(dtype, state);
    DeviceBuffer sq = upload(dtype, second);
    double lrT = 1e-3;
    ((CpuBackend) cpu).adamUpdate(param, upload(dtype, g), m, sq, 0.9, 0.999, 1e-8,
        cpu.upload(new double[] {lrT}));
    double[] c = stored(dtype, new double[] {1 - 0.9, 1 - 0.999, 1e-8});
    add("adam " + dtype(dtype) + bits(dtype, c) + bits(DType.FLOAT64, new double[] {lrT}) + " "
        + p.length + bits(dtype, p) + bits(dtype, g) + bits(dtype, state) + bits(dtype, second),
        new Expected("adam " + dtype + " (param, grad) pairs from " + str(v)
        + " (params, m, v)", dtype, concat(concat(read(param), read(m)), read(sq)), 0, true));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  // ---- plumbing -------------------------------------------------------------------------

  /** {firsts, seconds} of every ordered pair of {@code v}'s values, the first outermost. */
  private static double[][] allPairs(double[] v) {
    double[] a = new double[v.length * v.length];
    double[] b = new double[a.length];
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        a[i * v.length + j] = v[i];
        b[i * v.length + j] = v[j];
      }
    }
    return new double[][] {a, b};
  }

  private void add(String line, Expected e) {
    lines.add(line);
    expected.add(e);
  }

  private static void compare(Expected e, String line, List<String> failures) {
    String[] words = line.trim().split(" ");
    double[] got = new double[words.length - 1];
    for (int i = 1; i < words.length; i++) {
      got[i - 1] = switch (e.dtype) {
        case FLOAT32 -> Float.intBitsToFloat((int) Long.parseLong(words[i], 16));
        case FLOAT64 -> Double.longBitsToDouble(Long.parseUnsignedLong(words[i], 16));
        default -> Integer.parseInt(words[i]);
      };
    }
    if (got.length != e.values.length) {
      failures.add(e.what + ": " + got.length + " results, expected " + e.values.length);
      return;
    }
    StringBuilder bad = new StringBuilder();
    int count = 0;
    for (int i = 0; i < got.length; i++) {
      double w = e.values[i];
      double g = got[i];
      boolean ok;
      if (Double.isNaN(w) || Double.isNaN(g)) {
        ok = Double.isNaN(w) && Double.isNaN(g);
      } else if (Double.isInfinite(w) || Double.isInfinite(g)) {
        ok = w == g;
      } else if (w == 0 && g == 0) {
        ok = !e.zeroSign || Double.doubleToRawLongBits(w) == Double.doubleToRawLongBits(g);
      } else {
        ok = Math.abs(g - w) <= e.tolerance * (1 + Math.abs(w));
      }
      if (!ok && count++ < 6) {
        bad.append(count == 1 ? "" : "; ").append("[").append(i).append("] ").append(g)
            .append(" where the CPU gives ").append(w);
      }
    }
    if (count > 0) {
      failures.add(e.what + ": " + count + " differ: " + bad);
    }
  }

  private DeviceBuffer upload(DType dtype, double[] x) {
    if (dtype == DType.FLOAT64) {
      return cpu.upload(x);
    }
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
    return cpu.upload(f);
  }

  private double[] read(DeviceBuffer b) {
    double[] d = new double[(int) b.length()];
    cpu.download(b, d);
    return d;
  }

  private static double[] stored(DType dtype, double[] x) {
    double[] r = x.clone();
    if (dtype == DType.FLOAT32) {
      for (int i = 0; i < r.length; i++) r[i] = (float) r[i];
    }
    return r;
  }

  private static String dtype(DType dtype) {
    return dtype == DType.FLOAT32 ? "f32" : "f64";
  }

  private static String bits(DType dtype, double[] x) {
    StringBuilder s = new StringBuilder();
    for (double v : x) {
      s.append(' ').append(dtype == DType.FLOAT32
          ? Integer.toHexString(Float.floatToRawIntBits((float) v))
          : Long.toHexString(Double.doubleToRawLongBits(v)));
    }
    return s.toString();
  }

  private static String str(double[] x) {
    return java.util.Arrays.toString(x);
  }
}
