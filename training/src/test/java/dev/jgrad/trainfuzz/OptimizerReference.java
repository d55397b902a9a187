package dev.jgrad.trainfuzz;

import java.util.HashMap;
import java.util.Map;

/**
 * Naive double-precision update rules, written from the optimizers' Javadoc (PyTorch's documented
 * algorithms, and the book's for Momentum, AdaGrad, RMSprop and Adam), one parameter at a time.
 */
final class OptimizerReference {
  enum Kind { SGD, MOMENTUM, ADAGRAD, RMSPROP, ADAM, ADAMW }

  final Kind kind;
  final double momentum;
  final double beta1;
  final double beta2;
  final double eps;
  final double weightDecay;
  private final Map<String, double[]> s1 = new HashMap<>();
  private final Map<String, double[]> s2 = new HashMap<>();
  private final Map<String, Long> t = new HashMap<>();

  OptimizerReference(Kind kind, double momentum, double beta1, double beta2, double eps,
      double weightDecay) {
    this.kind = kind;
    this.momentum = momentum;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** One update of {@code w} (in place) from the gradient {@code g} at rate {@code lr}. */
  void update(String name, double[] w, double[] g, double lr) {
    int n = w.length;
    double[] a = s1.computeIfAbsent(name, k -> new double[n]);
    double[] b = s2.computeIfAbsent(name, k -> new double[n]);
    long step = t.merge(name, 1L, Long::sum);
    for (int i = 0; i < n; i++) {
      double gi = kind == Kind.ADAMW ? g[i] : g[i] + weightDecay * w[i];
      switch (kind) {
        case SGD -> {
          if (momentum != 0) {
            a[i] = momentum * a[i] + gi;
            gi = a[i];
          }
          w[i] -= lr * gi;
        }
        case MOMENTUM -> {
          a[i] = momentum * a[i] - lr * gi;
          w[i] += a[i];
        }
        case ADAGRAD -> {
          a[i] += gi * gi;
          w[i] -= lr * gi / (Math.sqrt(a[i]) + 1e-7);
        }
        case RMSPROP -> {
          a[i] = momentum * a[i] + (1 - momentum) * gi * gi;
          w[i] -= lr * gi / (Math.sqrt(a[i]) + 1e-7);
        }
        case ADAM -> {
          double lrT = lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
          a[i] += (1 - beta1) * (gi - a[i]);
          b[i] += (1 - beta2) * (gi * gi - b[i]);
          w[i] -= lrT * a[i] / (Math.sqrt(b[i]) + 1e-7);
        }
        case ADAMW -> {
          w[i] *= 1 - lr * weightDecay;
          a[i] = beta1 * a[i] + (1 - beta1) * gi;
          b[i] = beta2 * b[i] + (1 - beta2) * gi * gi;
          double mHat = a[i] / (1 - Math.pow(beta1, step));
          double denom = Math.sqrt(b[i]) / Math.sqrt(1 - Math.pow(beta2, step)) + eps;
          w[i] -= lr * mHat / denom;
        }
        default -> throw new AssertionError(kind);
      }
    }
  }
}
