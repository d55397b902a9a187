package dev.jgrad.examples.mnist;

import dev.jgrad.train.report.MetricsHistory;

/**
 * What a main-job run gives: the per-epoch metrics (on the validation split with
 * {@code --validation}, else on the test set) and the test set's loss and accuracy of the model
 * tested, that of epoch {@code testedEpoch}: the last, or with {@code --early-stopping} the best
 * by validation loss. Without {@code --validation} the test figures are the last epoch's own.
 */
public record MnistResult(MetricsHistory history, int testedEpoch, double testLoss,
    double testAccuracy) {}
