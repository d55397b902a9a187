package dev.jgrad.optim;

import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The optimizers by name, for command lines and checkpoints, each with a default learning rate
 * measured to train the book's MNIST MLP (784-100-10 ReLU, He init, batch 100) well in 30 epochs
 * on 8,000 images; the book's own examples use smaller rates (0.01, Adam 0.001) over more steps.
 *
 * <pre>{@code
 * OptimizerKind kind = OptimizerKind.parse("adam");
 * Optimizer opt = kind.create(model.namedParameters(), kind.defaultLearningRate());
 * }</pre>
 */
public enum OptimizerKind {
  /** {@link Sgd}, default rate 0.5. */
  SGD(0.5),
  /** The book's {@link Momentum}, default rate 0.05. */
  MOMENTUM(0.05),
  /** {@link AdaGrad}, default rate 0.05. */
  ADAGRAD(0.05),
  /** {@link RmsProp}, default rate 0.001. */
  RMSPROP(0.001),
  /** {@link Adam}, default rate 0.002. */
  ADAM(0.002),
  /** Adam's rate: its decoupled decay (0.01) shrinks the weights by only 2e-5 a step there. */
  ADAMW(0.002),
  /**
   * PyTorch's {@link Adadelta} at its own defaults, default rate 1.0 (pytorch/examples'
   * mnist/main.py's, which the book's MLP trains well with).
   */
  ADADELTA(1.0),
  /**
   * PyTorch's {@code torch.optim.Adam}, {@link TorchAdam} ({@code torch-adam}): Adam's rate, not
   * measured apart (the two differ where gradients are near eps).
   */
  TORCH_ADAM(0.002);

  private final double defaultLearningRate;

  OptimizerKind(double defaultLearningRate) {
    this.defaultLearningRate = defaultLearningRate;
  }

  /** The learning rate measured to train the book's MNIST MLP well (see the class comment). */
  public double defaultLearningRate() {
    return defaultLearningRate;
  }

  /**
   * The optimizer of this kind with its other settings at the book's defaults (AdamW's and
   * Adadelta's at PyTorch's, AdamW's weight decay 0.01 included; the others without weight
   * decay).
   */
  public Optimizer create(Map<String, Tensor> parameters, double learningRate) {
    return create(parameters, learningRate,
        this == ADAMW ? AdamW.DEFAULT_WEIGHT_DECAY : 0);
  }

  /**
   * The optimizer of this kind with weight decay {@code weightDecay}: decoupled for AdamW, the L2
   * term {@code weightDecay * W} added to the gradient for the others (PyTorch's meanings).
   */
  public Optimizer create(Map<String, Tensor> parameters, double learningRate,
      double weightDecay) {
    switch (this) {
      case SGD:
        return new Sgd(parameters, learningRate, 0, weightDecay);
      case MOMENTUM:
        return new Momentum(parameters, learningRate, Momentum.DEFAULT_MOMENTUM, weightDecay);
      case ADAGRAD:
        return new AdaGrad(parameters, learningRate, weightDecay);
      case RMSPROP:
        return new RmsProp(parameters, learningRate, RmsProp.DEFAULT_DECAY, weightDecay);
      case ADAM:
        return new Adam(parameters, learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2,
            weightDecay);
      case TORCH_ADAM:
        return new TorchAdam(parameters, learningRate, weightDecay);
      case ADADELTA:
        return new Adadelta(parameters, learningRate, Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPS,
            weightDecay);
      default:
        return new AdamW(parameters, learningRate, weightDecay);
    }
  }

  /** The lower-case name used on command lines and in checkpoints, e.g. {@code torch-adam}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a name case-insensitively, e.g. {@code sgd}, {@code Adam}, {@code torch-adam}. */
  public static OptimizerKind parse(String name) {
    String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (OptimizerKind k : values()) {
      if (k.name().equals(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose one of "
        + Arrays.stream(values()).map(OptimizerKind::cliName).collect(Collectors.joining(", ")));
  }
}
