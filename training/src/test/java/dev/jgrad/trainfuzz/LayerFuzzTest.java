package dev.jgrad.trainfuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm;
import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.LeakyReLU;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.Sigmoid;
import dev.jgrad.nn.Tanh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded differential fuzzing of the layers: random Sequential nets (Linear with each activation,
 * which a Sequential fuses; Conv2d, ReLU then pooling, which it reorders; BatchNorm) against the
 * same layers run one by one, forward and gradients; Linear and the activations against double
 * references; BatchNorm's normalization, running statistics and parameter gradients against
 * PyTorch's formulas over several training and evaluation steps; Dropout's inverted scaling.
 */
class LayerFuzzTest {
  private static final int CASES = 120;

  private static double[] randomValues(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * scale;
    }
    return v;
  }

  private static Module activation(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> new ReLU();
      case 1 -> new Sigmoid();
      case 2 -> new Tanh();
      default -> new LeakyReLU(r.nextDouble() * 0.5);
    };
  }

  private static double activate(Module a, double x) {
    if (a instanceof ReLU) {
      return x > 0 ? x : 0;
    } else if (a instanceof Sigmoid) {
      return 1 / (1 + Math.exp(-x));
    } else if (a instanceof Tanh) {
      return Math.tanh(x);
    }
    return x > 0 ? x : ((LeakyReLU) a).slope() * x;
  }

  private static double activateGrad(Module a, double x) {
    if (a instanceof ReLU) {
      return x > 0 ? 1 : 0;
    } else if (a instanceof Sigmoid) {
      double s = 1 / (1 + Math.exp(-x));
      return s * (1 - s);
    } else if (a instanceof Tanh) {
      double t = Math.tanh(x);
      return 1 - t * t;
    }
    return x > 0 ? 1 : ((LeakyReLU) a).slope();
  }

  /** A random net: a conv part on [n, c, h, w] images, flattened, then linear layers. */
  private static List<Module> randomLayers(Random r, DType dtype, int[] inShape) {
    List<Module> layers = new ArrayList<>();
    int c = inShape[1];
    int h = inShape[2];
    int w = inShape[3];
    int convs = r.nextInt(3);
    for (int i = 0; i < convs; i++) {
      int out = 1 + r.nextInt(3);
      int k = 1 + r.nextInt(Math.min(3, Math.min(h, w)));
      int pad = r.nextInt(k);
      int stride = 1 + r.nextInt(2);
      layers.add(new Conv2d(c, out, new int[] {k, k}, new int[] {stride, stride},
          new int[] {pad, pad}, r, dtype));
      c = out;
      h = (h + 2 * pad - k) / stride + 1;
      w = (w + 2 * pad - k) / stride + 1;
      if (r.nextBoolean()) {
        layers.add(new BatchNorm2d(c, dtype));
      }
      layers.add(r.nextInt(3) == 0 ? activation(r) : new ReLU());
      if (Math.min(h, w) >= 2 && r.nextBoolean()) {
        int pk = 2;
        int pp = r.nextInt(2);
        int ps = 1 + r.nextInt(2);
        layers.add(r.nextBoolean() ? new MaxPool2d(pk, ps, pp) : new AvgPool2d(pk, ps, pp));
        h = (h + 2 * pp - pk) / ps + 1;
        w = (w + 2 * pp - pk) / ps + 1;
      }
    }
    layers.add(new Flatten());
    int features = c * h * w;
    int linears = 1 + r.nextInt(3);
    for (int i = 0; i < linears; i++) {
      int out = 1 + r.nextInt(6);
      layers.add(new Linear(features, out, Init.kaimingUniform(), r, dtype));
      features = out;
      if (r.nextInt(4) == 0) {
        layers.add(new BatchNorm1d(features, dtype));
      }
      if (r.nextInt(4) != 0) {
        layers.add(activation(r));
      }
    }
    return layers;
  }

  private static long[] bits(Tensor t) {
    return Arrays.stream(t.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  @Test
  void aSequentialComputesWhatItsLayersDoOneByOne() {
    for (int c = 0; c < CASES; c++) {
      long seed = 20_000 + c;
      List<List<long[]>> runs = new ArrayList<>();
      Sequential net = null;
      DType dtype = null;
      int[] inShape = null;
      for (boolean together : new boolean[] {true, false}) {
        Random r = new Random(seed); // the same net twice: its buffers change in training mode
        dtype = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
        inShape = new int[] {2 + r.nextInt(3), 1 + r.nextInt(2), 2 + r.nextInt(5),
            2 + r.nextInt(5)};
        List<Module> layers = randomLayers(r, dtype, inShape);
        net = new Sequential(layers);
        double[] x0 = randomValues(r, Arrays.stream(inShape).reduce(1, (a, b) -> a * b), 1);
        Tensor x = Tensor.of(x0, dtype, inShape).requiresGrad(true);
        Tensor y = x;
        if (together) {
          y = net.forward(x);
        } else {
          for (Module m : layers) {
            y = m.forward(y);
          }
        }
        Tensor coefficients = Tensor.of(randomValues(new Random(seed), (int) y.size(), 1), dtype,
            y.shape().dims());
        y.mul(coefficients).sum().backward();
        List<long[]> out = new ArrayList<>();
        out.add(bits(y));
        out.add(bits(x.grad()));
        for (Tensor p : net.namedParameters().values()) {
          out.add(bits(p.grad()));
        }
        for (Tensor b : net.namedBuffers().values()) {
          out.add(bits(b));
        }
        runs.add(out);
      }
      for (int i = 0; i < runs.get(0).size(); i++) {
        String what = i == 0 ? "output" : i == 1 ? "input gradient" : "parameter/buffer " + i;
        assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i),
            "seed " + seed + " " + dtype + " input " + Arrays.toString(inShape) + " " + net + ": "
                + what + " differs between the Sequential and its layers one by one");
      }
    }
  }

  @Test
  void linearAndItsActivationFollowTheirDoubleReference() {
    for (int c = 0; c < CASES; c++) {
      long seed = 30_000 + c;
      Random r = new Random(seed);
      int batch = 1 + r.nextInt(5);
      int in = 1 + r.nextInt(7);
      int out = 1 + r.nextInt(7);
      Linear linear = new Linear(in, out, Init.kaimingUniform(), r, DType.FLOAT64);
      Module act = activation(r);
      Sequential net = new Sequential(linear, act);
      double[] x = randomValues(r, batch * in, 2);
      double[] g = randomValues(r, batch * out, 1);
      Tensor xt = Tensor.of(x, DType.FLOAT64, batch, in).requiresGrad(true);
      Tensor y = net.forward(xt);
      y.mul(Tensor.of(g, DType.FLOAT64, batch, out)).sum().backward();
      double[] w = linear.weight().toDoubleArray(); // [in, out]
      double[] b = linear.bias().toDoubleArray();
      double[] yRef = new double[batch * out];
      double[] dz = new double[batch * out];
      double[] dx = new double[batch * in];
      double[] dw = new double[in * out];
      double[] db = new double[out];
      for (int n = 0; n < batch; n++) {
        for (int o = 0; o < out; o++) {
          double z = b[o];
          for (int i = 0; i < in; i++) {
            z += x[n * in + i] * w[i * out + o];
          }
          yRef[n * out + o] = activate(act, z);
          dz[n * out + o] = g[n * out + o] * activateGrad(act, z);
          db[o] += dz[n * out + o];
          for (int i = 0; i < in; i++) {
            dw[i * out + o] += x[n * in + i] * dz[n * out + o];
            dx[n * in + i] += w[i * out + o] * dz[n * out + o];
          }
        }
      }
      String config = "seed " + seed + " " + net + " batch " + batch;
      assertArrayEquals(yRef, y.toDoubleArray(), 1e-12, config + ": output");
      assertArrayEquals(dx, xt.grad().toDoubleArray(), 1e-12, config + ": input gradient");
      assertArrayEquals(dw, linear.weight().grad().toDoubleArray(), 1e-12,
          config + ": weight gradient");
      assertArrayEquals(db, linear.bias().grad().toDoubleArray(), 1e-12,
          config + ": bias gradient");
    }
  }

  /** Per channel over every other axis of [n, c, (h, w)]: {sum, count} walks. */
  private static int channelOf(int index, int[] shape) {
    int inner = shape.length == 2 ? 1 : shape[2] * shape[3];
    return index / inner % shape[1];
  }

  @Test
  void batchNormFollowsPyTorchsFormulasInTrainingAndEvaluation() {
    for (int c = 0; c < CASES; c++) {
      long seed = 40_000 + c;
      Random r = new Random(seed);
      boolean image = r.nextBoolean();
      DType dtype = r.nextInt(3) == 0 ? DType.FLOAT32 : DType.FLOAT64;
      double tol = dtype == DType.FLOAT32 ? 2e-4 : 1e-10;
      int channels = 1 + r.nextInt(4);
      BatchNorm bn = image ? new BatchNorm2d(channels, dtype) : new BatchNorm1d(channels, dtype);
      double[] weight = randomValues(r, channels, 1);
      double[] bias = randomValues(r, channels, 1);
      bn.weight().assign(Tensor.of(weight, dtype, channels));
      bn.bias().assign(Tensor.of(bias, dtype, channels));
      weight = bn.weight().toDoubleArray();
      bias = bn.bias().toDoubleArray();
      double[] runMean = new double[channels];
      double[] runVar = new double[channels];
      Arrays.fill(runVar, 1);
      int steps = 1 + r.nextInt(5);
      for (int s = 0; s < steps; s++) {
        boolean training = r.nextInt(4) != 0;
        int batch = (training && !image ? 2 : 1) + r.nextInt(4);
        int[] shape = image ? new int[] {batch, channels, 1 + r.nextInt(3), 1 + r.nextInt(3)}
            : new int[] {batch, channels};
        if (training && image && batch * shape[2] * shape[3] < 2) {
          shape[2] = 2;
        }
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double offset = r.nextGaussian() * 3;
        double[] xv = randomValues(r, size, 0.5 + r.nextDouble() * 2);
        for (int i = 0; i < size; i++) {
          xv[i] += offset;
        }
        Tensor x = Tensor.of(xv, dtype, shape);
        xv = x.toDoubleArray();
        double[] gy = Tensor.of(randomValues(r, size, 1), dtype, shape).toDoubleArray();
        bn.train(training);
        bn.zeroGrad();
        Tensor y = bn.forward(x);
        y.mul(Tensor.of(gy, dtype, shape)).sum().backward();
        double[] sum = new double[channels];
        double[] count = new double[channels];
        for (int i = 0; i < size; i++) {
          sum[channelOf(i, shape)] += xv[i];
          count[channelOf(i, shape)]++;
        }
        double[] mean = new double[channels];
        double[] var = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
          mean[ch] = sum[ch] / count[ch];
        }
        for (int i = 0; i < size; i++) {
          double d = xv[i] - mean[channelOf(i, shape)];
          var[channelOf(i, shape)] += d * d / count[channelOf(i, shape)];
        }
        double[] useMean = training ? mean : runMean.clone();
        double[] useVar = training ? var : runVar.clone();
        double[] yRef = new double[size];
        double[] dWeight = new double[channels];
        double[] dBias = new double[channels];
        for (int i = 0; i < size; i++) {
          int ch = channelOf(i, shape);
          double xhat = (xv[i] - useMean[ch]) / Math.sqrt(useVar[ch] + 1e-5);
          yRef[i] = xhat * weight[ch] + bias[ch];
          dWeight[ch] += gy[i] * xhat;
          dBias[ch] += gy[i];
        }
        if (training) {
          for (int ch = 0; ch < channels; ch++) {
            runMean[ch] = 0.9 * runMean[ch] + 0.1 * mean[ch];
            runVar[ch] = 0.9 * runVar[ch] + 0.1 * var[ch] * count[ch] / (count[ch] - 1);
          }
        }
        String config = "seed " + seed + " " + bn + " " + dtype + " step " + s
            + (training ? " train " : " eval ") + Arrays.toString(shape);
        assertClose(yRef, y.toDoubleArray(), tol, config + ": output");
        assertClose(dWeight, bn.weight().grad().toDoubleArray(), tol, config + ": weight grad");
        assertClose(dBias, bn.bias().grad().toDoubleArray(), tol, config + ": bias grad");
        assertClose(runMean, bn.runningMean().toDoubleArray(), tol, config + ": running mean");
        assertClose(runVar, bn.runningVar().toDoubleArray(), tol, config + ": running var");
      }
    }
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertTrue(expected.length == actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
        fail(what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
      }
    }
  }

  @Test
  void dropoutScalesTheKeptValuesInTrainingAndPassesEverythingInEvaluation() {
    for (int c = 0; c < CASES / 4; c++) {
      long seed = 50_000 + c;
      Random r = new Random(seed);
      double p = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 0.9;
      DType dtype = r.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
      int n = 1000 + r.nextInt(3000);
      Dropout dropout = new Dropout(p, r.nextLong());
      Dropout twin = new Dropout(p, dropout.seed());
      double[] xv = randomValues(r, n, 1);
      Tensor x = Tensor.of(xv, dtype, n).requiresGrad(true);
      xv = x.toDoubleArray();
      String config = "seed " + seed + " " + dropout + " " + dtype + " n " + n;
      dropout.eval();
      assertSame(x, dropout.forward(x), config + ": eval mode is the identity");
      dropout.train();
      Tensor y = dropout.forward(x);
      y.sum().backward();
      double[] yv = y.toDoubleArray();
      double[] gv = x.grad().toDoubleArray();
      double scale = 1 / (1 - p);
      double expectedScale = Tensor.of(new double[] {scale}, dtype, 1).toDoubleArray()[0];
      int dropped = 0;
      for (int i = 0; i < n; i++) {
        boolean kept = gv[i] != 0;
        dropped += kept ? 0 : 1;
        double expected = kept ? xv[i] * scale : 0;
        assertTrue(Math.abs(yv[i] - expected) <= 1e-6 * Math.abs(expected),
            config + ": element " + i + " is " + yv[i] + ", expected " + expected);
        assertTrue(!kept || Math.abs(gv[i] - expectedScale) <= 1e-6 * scale,
            config + ": gradient " + i + " is " + gv[i] + ", expected " + expectedScale);
      }
      double sd = Math.sqrt(n * p * (1 - p));
      assertTrue(Math.abs(dropped - n * p) <= 5 * sd + 1,
          config + ": dropped " + dropped + " of " + n);
      assertArrayEquals(yv, twin.train().forward(x).toDoubleArray(),
          config + ": same seed, same first mask");
      double[] second = dropout.forward(x).toDoubleArray();
      if (p > 0.05) {
        assertTrue(!Arrays.equals(yv, second), config + ": the second mask repeats the first");
      }
    }
  }

  /**
   * Conv2d, MaxPool2d and AvgPool2d layers with [height, width] geometry that differs between
   * the axes (kernel, stride and padding each), against the direct definitions in double
   * (PyTorch's: cross-correlation plus bias; padded entries never win a max; padding counts as
   * zeros in a mean).
   */
  @Test
  void windowedLayersFollowTheirDefinitionsWithUnequalAxes() {
    for (int c = 0; c < CASES; c++) {
      long seed = 35_000 + c;
      Random r = new Random(seed);
      int n = 1 + r.nextInt(2);
      int inC = 1 + r.nextInt(3);
      int h = 1 + r.nextInt(6);
      int w = 1 + r.nextInt(6);
      int[] k = {1 + r.nextInt(h), 1 + r.nextInt(w)};
      int[] st = {1 + r.nextInt(3), 1 + r.nextInt(3)};
      int kind = r.nextInt(3);
      int[] pad = kind == 0 ? new int[] {r.nextInt(k[0] + 1), r.nextInt(k[1] + 1)}
          : new int[] {r.nextInt(k[0] / 2 + 1), r.nextInt(k[1] / 2 + 1)};
      int outC = kind == 0 ? 1 + r.nextInt(3) : inC;
      Module layer = switch (kind) {
        case 0 -> new Conv2d(inC, outC, k, st, pad, r, DType.FLOAT64);
        case 1 -> new MaxPool2d(k, st, pad);
        default -> new AvgPool2d(k, st, pad);
      };
      int oh = (h + 2 * pad[0] - k[0]) / st[0] + 1;
      int ow = (w + 2 * pad[1] - k[1]) / st[1] + 1;
      double[] x = randomValues(r, n * inC * h * w, 1);
      Tensor y = layer.forward(Tensor.of(x, DType.FLOAT64, n, inC, h, w));
      String config = "seed " + seed + " " + layer + " input " + Arrays.toString(
          new int[] {n, inC, h, w});
      assertArrayEquals(new int[] {n, outC, oh, ow}, y.shape().dims(), config + ": shape");
      double[] weight = kind == 0 ? ((Conv2d) layer).weight().toDoubleArray() : null;
      double[] bias = kind == 0 ? ((Conv2d) layer).bias().toDoubleArray() : null;
      double[] expected = new double[n * outC * oh * ow];
      for (int b = 0; b < n; b++) {
        for (int o = 0; o < outC; o++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
              double acc = kind == 0 ? bias[o] : kind == 1 ? Double.NEGATIVE_INFINITY : 0;
              for (int ci = kind == 0 ? 0 : o; ci < (kind == 0 ? inC : o + 1); ci++) {
                for (int u = 0; u < k[0]; u++) {
                  for (int v = 0; v < k[1]; v++) {
                    int yy = i * st[0] - pad[0] + u;
                    int xx = j * st[1] - pad[1] + v;
                    boolean inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
                    double value = inside ? x[((b * inC + ci) * h + yy) * w + xx] : 0;
                    if (kind == 0) {
                      acc += value * weight[((o * inC + ci) * k[0] + u) * k[1] + v];
                    } else if (kind == 1) {
                      acc = inside ? Math.max(acc, value) : acc;
                    } else {
                      acc += value / (k[0] * k[1]);
                    }
                  }
                }
              }
              expected[((b * outC + o) * oh + i) * ow + j] = acc;
            }
          }
        }
      }
      assertArrayEquals(expected, y.toDoubleArray(), 1e-12, config + ": output");
    }
  }
}
