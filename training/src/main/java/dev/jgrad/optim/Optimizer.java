package dev.jgrad.optim;

import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. One training step is: forward, loss, {@code
 * backward()}, {@link #step()}, {@link #zeroGrad()}.
 *
 * <pre>{@code
 * Optimizer opt = new Sgd(model.namedParameters(), 0.1);
 * Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(x), labels);
 * loss.backward();
 * opt.step();      // in place, records nothing
 * opt.zeroGrad();
 * }</pre>
 *
 * <p>Updates happen in place on the parameters' buffers and never record graph nodes. Parameters
 * without a gradient (unused in the last backward pass) are left alone, and so are frozen ones
 * ({@code requiresGrad(false)}, e.g. by {@link dev.jgrad.nn.Module#freeze()}), weight decay
 * included, as PyTorch steps only parameters with a gradient: unfrozen, they train again.
 */
public interface Optimizer {
  /** Applies one update to every parameter that has a gradient. */
  void step();

  /**
   * {@code loss.backward()} then {@link #step()}, with the same result, where an optimizer may
   * apply some updates inside the backward pass: {@link Sgd} on a backend with
   * {@link dev.jgrad.api.FusedProductSgd} updates each weight that feeds one matrix product in
   * its gradient's product, never writing the gradient out (one pass over the weight where two
   * took three). Those parameters then have no gradient; the others do, as after
   * {@code backward()}. A parameter that already holds a gradient (accumulated over several
   * passes) is updated the usual way. Not with gradient clipping, which needs every gradient
   * before any update.
   */
  default void backwardStep(Tensor loss) {
    loss.backward();
    step();
  }

  /** Forgets every parameter's gradient, releasing the gradient tensors. */
  void zeroGrad();

  /**
   * Why this optimizer's step cannot be captured into a graph and replayed
   * ({@link dev.jgrad.api.GraphCapture}: a replay repeats the captured step's scalars, so a step
   * whose scalars change cannot, unless it reads them from device buffers it fills before each
   * launch, as Adam does with its bias-corrected rate), or null when it can. The default says it
   * cannot, for optimizers that do not tell.
   */
  default String whyNotCapturable() {
    return getClass().getSimpleName() + " does not say whether its step may be replayed; "
        + "override Optimizer.whyNotCapturable() to return null if it uses the same scalars "
        + "every step";
  }

  /**
   * Whether a captured step of this optimizer reads the learning rate at each launch, so that a
   * schedule changing it every step can be captured (the built-in optimizers, on a backend with
   * fused updates: their rates are filled in before each launch); false, the default, where a
   * replay repeats the rate it was captured with.
   */
  default boolean capturedStepReadsLearningRate() {
    return false;
  }

  /**
   * The tensors this optimizer updates, or an empty list where it does not say (the default,
   * for optimizers written before this method): the {@code Trainer} checks that they are its
   * model's.
   */
  default List<Tensor> parameters() {
    return List.of();
  }

  /** The learning rate of the next {@link #step()}. */
  double learningRate();

  /**
   * Sets the learning rate of the next steps, e.g. from a
   * {@link dev.jgrad.optim.schedule.LearningRateScheduler}; fails
   * unless it is positive and finite. The rate is not part of {@link #state()}; a checkpoint
   * records it beside the state with {@link #settings()}, and {@code Checkpoint.restoreOptimizer}
   * sets it back, as PyTorch's {@code optimizer.load_state_dict} does (a {@code Trainer}'s resume
   * keeps its own run's rate and schedule instead).
   */
  void setLearningRate(double learningRate);

  /**
   * The settings fixed when the optimizer was built, besides the rate, by name (e.g.
   * {@code momentum}, {@code weightDecay}, {@code beta1}), which a checkpoint records so that a
   * restore into an optimizer built with other ones says so; empty (the default) where an
   * optimizer does not tell.
   */
  default Map<String, Double> settings() {
    return Map.of();
  }

  /** What to save so that a resumed run continues exactly: the optimizer's moments and counters. */
  OptimizerState state();

  /**
   * Restores what {@link #state()} gave, into this optimizer's existing parameters; fails naming
   * the entry, before changing anything, when the kind, a name, a shape or a dtype does not match,
   * or when the state is incomplete (a parameter lacks a slot or a counter).
   */
  void loadState(OptimizerState state);
}
