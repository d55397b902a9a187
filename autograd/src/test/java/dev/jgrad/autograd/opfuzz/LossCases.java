package dev.jgrad.autograd.opfuzz;

import dev.jgrad.api.DType;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.autograd.ops.BiasActivationOps;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The losses of {@link Losses}, gradients to predictions and targets alike (the labels
 * overloads, and the fused softmax cross-entropy with labels, take INT32 labels), and the fused
 * bias + activation op.
 */
final class LossCases {
  /** The losses' delta that keeps log(0) away. */
  private static final double DELTA = 1e-7;

  private LossCases() {}

  private enum Loss { MSE, SSE, CE, CE_LABELS, SCE, SCE_LABELS, BCE, BCE_LOGITS }

  static FuzzCase loss(Random r, DType dtype) {
    Loss op = Loss.values()[r.nextInt(Loss.values().length)];
    boolean labels = op == Loss.CE_LABELS || op == Loss.SCE_LABELS;
    int classes = 1 + r.nextInt(r.nextInt(4) == 0 ? 200 : 12);
    int batch = 1 + r.nextInt(r.nextInt(4) == 0 ? 300 : 9);
    int[] shape = switch (op) {
      case MSE, SSE, BCE, BCE_LOGITS -> Shapes.shape(r, 0, 4, 3000);
      case SCE -> r.nextInt(4) == 0 ? new int[] {classes} : r.nextInt(4) == 0
          ? new int[] {batch, 1 + r.nextInt(3), classes} : new int[] {batch, classes};
      default -> r.nextInt(4) == 0 ? new int[] {classes} : new int[] {batch, classes};
    };
    int rows = shape.length >= 2 ? shape[0] : 1;
    Dist pred = switch (op) {
      case CE, CE_LABELS, BCE -> Dist.PROBABILITY;
      default -> Dist.any(r, Dist.NORMAL, Dist.WIDE, Dist.SMALL_INT);
    };
    InputSpec y = InputSpec.data(op == Loss.SCE || op == Loss.SCE_LABELS || op == Loss.BCE_LOGITS
        ? "logits" : "y", pred, shape);
    InputSpec t = labels ? InputSpec.index("labels", shape[shape.length - 1], rows)
        : InputSpec.data("t", Dist.any(r, Dist.UNIT, Dist.SPARSE), shape);
    return new FuzzCase(op.name().toLowerCase(java.util.Locale.ROOT), List.of(y, t), in -> {
      Tensor a = in.get(0);
      Tensor b = in.get(1);
      return switch (op) {
        case MSE -> Losses.meanSquaredError(a, b);
        case SSE -> Losses.sumOfSquaresError(a, b);
        case CE -> Losses.crossEntropyError(a, b);
        case CE_LABELS -> Losses.crossEntropyErrorLabels(a, b);
        case SCE -> Losses.softmaxCrossEntropy(a, b);
        case SCE_LABELS -> Losses.softmaxCrossEntropyLabels(a, b);
        case BCE -> Losses.binaryCrossEntropy(a, b);
        case BCE_LOGITS -> Losses.binaryCrossEntropyWithLogits(a, b);
      };
    }, in -> Nd.sizeOf(shape) == 0 ? Expect.refusal(opName(op, shape), Arrays.toString(shape))
        : reference(op, in.get(0), labels ? oneHot(in.get(1), shape) : in.get(1), rows,
        labels));
  }

  /** The op a loss of predictions of {@code shape} runs as, as its errors name it. */
  private static String opName(Loss op, int[] shape) {
    return "jgrad::" + switch (op) {
      case MSE -> "mse";
      case SSE -> "sse";
      case CE, CE_LABELS -> "cross_entropy";
      case SCE -> "softmax_cross_entropy";
      case SCE_LABELS -> shape.length == 2 ? "softmax_cross_entropy_labels"
          : "softmax_cross_entropy";
      case BCE -> "bce";
      case BCE_LOGITS -> "bce_with_logits";
    };
  }

  /** One-hot rows of {@code shape} from labels. */
  private static Nd oneHot(Nd labels, int[] shape) {
    Nd t = Nd.zeros(shape);
    int classes = shape[shape.length - 1];
    for (int i = 0; i < labels.size(); i++) {
      t.v[i * classes + (int) labels.v[i]] = 1;
    }
    return t;
  }

  private static Expect reference(Loss op, Nd y, Nd t, int rows, boolean labels) {
    int n = y.size();
    int[] shape = y.shape;
    double[] dy = new double[n]; // d loss / d y, and its terms' magnitude
    double[] my = new double[n];
    double[] dt = new double[n];
    double[] mt = new double[n];
    double value = 0;
    double mag = 0;
    switch (op) {
      case MSE, SSE -> {
        double scale = op == Loss.MSE ? 1.0 / n : 0.5;
        for (int i = 0; i < n; i++) {
          double d = y.v[i] - t.v[i];
          double dm = Math.abs(y.v[i]) + Math.abs(t.v[i]);
          value += d * d * scale;
          mag += 2 * dm * dm * scale;
          dy[i] = 2 * d * scale;
          my[i] = 4 * dm * scale;
          dt[i] = -dy[i];
          mt[i] = my[i];
        }
      }
      case CE, CE_LABELS -> {
        for (int i = 0; i < n; i++) {
          double log = Math.log(y.v[i] + DELTA);
          value -= t.v[i] * log / rows;
          mag += Math.abs(t.v[i]) * (Math.abs(log) + 2) / rows;
          dy[i] = -t.v[i] / (y.v[i] + DELTA) / rows;
          my[i] = 3 * Math.abs(dy[i]);
          dt[i] = -log / rows;
          mt[i] = (Math.abs(log) + 2) / rows;
        }
      }
      case SCE, SCE_LABELS -> {
        int classes = shape[shape.length - 1];
        for (int s = 0; s < n / classes; s++) {
          int base = s * classes;
          double m = Double.NEGATIVE_INFINITY;
          double spread = 0;
          double tSum = 0;
          for (int j = 0; j < classes; j++) {
            m = Math.max(m, y.v[base + j]);
            spread = Math.max(spread, Math.abs(y.v[base + j]));
            tSum += t.v[base + j];
          }
          double sum = 0;
          for (int j = 0; j < classes; j++) {
            sum += Math.exp(y.v[base + j] - m);
          }
          double lse = m + Math.log(sum);
          double rel = 3 + 2 * spread + Math.abs(lse);
          for (int j = 0; j < classes; j++) {
            int i = base + j;
            double logSoftmax = y.v[i] - lse;
            double softmax = Math.exp(logSoftmax);
            value -= t.v[i] * logSoftmax / rows;
            mag += Math.abs(t.v[i]) * (Math.abs(y.v[i]) + Math.abs(lse) + 2 * spread + 2) / rows;
            dy[i] = (softmax * tSum - t.v[i]) / rows;
            my[i] = (softmax * rel * Math.abs(tSum) + Math.abs(t.v[i])) * 2 / rows;
            dt[i] = -logSoftmax / rows;
            mt[i] = (Math.abs(y.v[i]) + Math.abs(lse) + 2 * spread + 2) / rows;
          }
        }
      }
      case BCE -> {
        for (int i = 0; i < n; i++) {
          double p = y.v[i];
          double q = t.v[i];
          double lp = Math.log(p + DELTA);
          double lq = Math.log(1 - p + DELTA);
          value -= (q * lp + (1 - q) * lq) / n;
          mag += (Math.abs(q) * (Math.abs(lp) + 2) + (1 + Math.abs(q)) * (Math.abs(lq) + 2)) / n;
          dy[i] = ((1 - q) / (1 - p + DELTA) - q / (p + DELTA)) / n;
          my[i] = 3 * ((1 + Math.abs(q)) / (1 - p + DELTA) + Math.abs(q) / (p + DELTA)) / n;
          dt[i] = (lq - lp) / n;
          mt[i] = (Math.abs(lq) + Math.abs(lp) + 4) / n;
        }
      }
      case BCE_LOGITS -> {
        for (int i = 0; i < n; i++) {
          double x = y.v[i];
          double q = t.v[i];
          double soft = Math.log1p(Math.exp(-Math.abs(x)));
          value += (Math.max(x, 0) - x * q + soft) / n;
          mag += 2 * (Math.abs(x) * (1 + Math.abs(q)) + soft + 1) / n;
          double sig = 1 / (1 + Math.exp(-x));
          dy[i] = (sig - q) / n;
          my[i] = 2 * (sig + Math.abs(q)) / n;
          dt[i] = -x / n;
          mt[i] = Math.abs(x) / n;
        }
      }
    }
    double[] gy = dy;
    double[] gt = dt;
    return new Expect(new Nd(new int[0], new double[] {value}),
        new Nd(new int[0], new double[] {mag}), n, null, null).withBackward(w -> {
          double g = w.v[0];
          Nd ny = RefMath.map(new Nd(shape, gy), v -> v * g);
          Nd nym = RefMath.map(new Nd(shape, my), v -> v * Math.abs(g));
          Nd nt = RefMath.map(new Nd(shape, gt), v -> v * g);
          Nd ntm = RefMath.map(new Nd(shape, mt), v -> v * Math.abs(g));
          return Arrays.asList(new Expect.Grad(ny, nym),
              labels ? null : new Expect.Grad(nt, ntm));
        });
  }

  /** {@code act(x + bias)} as one op over {@code x [rows, cols]} and {@code bias [cols]}. */
  static FuzzCase biasActivation(Random r, DType dtype) {
    FusedActivation act = FusedActivation.values()[r.nextInt(FusedActivation.values().length)];
    int rows;
    int cols;
    if (r.nextInt(8) == 0) { // past the ReLU gradient's parallel split
      rows = 500 + r.nextInt(200);
      cols = Shapes.PARALLEL_ELEMENTS / rows + 1 + r.nextInt(50);
    } else {
      rows = Shapes.dim(r);
      cols = Shapes.dim(r);
    }
    Dist dist = Dist.any(r, Dist.NORMAL, Dist.SMALL_INT, Dist.WIDE);
    List<InputSpec> specs = List.of(InputSpec.data("x", dist, rows, cols),
        InputSpec.data("bias", Dist.any(r, Dist.NORMAL, Dist.SMALL_INT), cols));
    return new FuzzCase("biasActivation " + act, specs,
        in -> BiasActivationOps.biasActivation(in.get(0), in.get(1), act), in -> {
          Nd x = in.get(0);
          Nd b = in.get(1);
          double[] y = new double[x.size()];
          double[] m = new double[x.size()];
          double[] d = new double[x.size()]; // act'(z)
          double[] dm = new double[x.size()]; // the size of act'(z)'s terms
          for (int i = 0; i < y.length; i++) {
            double z = x.v[i] + b.v[i % cols];
            double zm = Math.abs(x.v[i]) + Math.abs(b.v[i % cols]);
            switch (act) {
              case IDENTITY -> {
                y[i] = z;
                d[i] = 1;
              }
              case RELU -> {
                y[i] = Math.max(z, 0);
                d[i] = z > 0 ? 1 : 0;
              }
              case SIGMOID -> {
                y[i] = 1 / (1 + Math.exp(-z));
                d[i] = y[i] * (1 - y[i]);
                dm[i] = 2 * y[i] * (1 + y[i]);
              }
              case TANH -> {
                y[i] = Math.tanh(z);
                d[i] = 1 - y[i] * y[i];
                dm[i] = 2 * (1 + y[i] * y[i]);
              }
            }
            dm[i] = Math.max(dm[i], Math.abs(d[i]));
            m[i] = 2 * Math.abs(y[i]) + dm[i] * zm;
          }
          return new Expect(new Nd(x.shape, y), new Nd(x.shape, m), rows, null, null)
              .withBackward(w -> {
                double[] gx = new double[y.length];
                double[] gm = new double[y.length];
                double[] gb = new double[cols];
                double[] bm = new double[cols];
                for (int i = 0; i < y.length; i++) {
                  gx[i] = w.v[i] * d[i];
                  gm[i] = 2 * Math.abs(w.v[i]) * dm[i];
                  gb[i % cols] += gx[i];
                  bm[i % cols] += gm[i];
                }
                return List.of(new Expect.Grad(new Nd(x.shape, gx), new Nd(x.shape, gm)),
                    new Expect.Grad(new Nd(b.shape, gb), new Nd(b.shape, bm)));
              });
        });
  }
}
