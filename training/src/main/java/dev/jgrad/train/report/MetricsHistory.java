package dev.jgrad.train.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The metrics of every epoch so far, in order, for {@link CsvReport} and {@link LossChart}. Not
 * thread-safe: add from the training loop.
 *
 * <pre>{@code
 * MetricsHistory history = new MetricsHistory();
 * history.add(new EpochMetrics(1, 0.42, 0.88, 0.31, 0.91, 12.5));
 * CsvReport.write(Path.of("out/metrics.csv"), history);
 * LossChart.write(Path.of("out/loss.png"), history, "MNIST MLP");
 * }</pre>
 */
public final class MetricsHistory {
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private final HeldOut heldOut;

  /** A history whose held-out metrics are the test set's. */
  public MetricsHistory() {
    this(HeldOut.TEST);
  }

  /** A history whose held-out metrics ({@code testLoss}, {@code testAccuracy}) are {@code heldOut}'s. */
  public MetricsHistory(HeldOut heldOut) {
    this.heldOut = checkNotNull(heldOut, "heldOut is null; use HeldOut.TEST or VALIDATION");
  }

  /** What the held-out metrics were measured on, to name them in reports. */
  public HeldOut heldOut() {
    return heldOut;
  }

  /** Appends the metrics of the next epoch; epochs must increase. */
  public void add(EpochMetrics metrics) {
    checkNotNull(metrics, "metrics is null");
    checkArgument(epochs.isEmpty() || metrics.epoch() > last().epoch(),
        "epoch %s added after epoch %s; add epochs in increasing order", metrics.epoch(),
        epochs.isEmpty() ? 0 : last().epoch());
    epochs.add(metrics);
  }

  /** A snapshot of all epochs, oldest first. */
  public List<EpochMetrics> epochs() {
    return List.copyOf(epochs);
  }

  /** Number of epochs recorded. */
  public int size() {
    return epochs.size();
  }

  /** Whether no epoch has been recorded yet. */
  public boolean isEmpty() {
    return epochs.isEmpty();
  }

  /**
   * The epoch with the lowest test loss so far (the first of equals), or empty where no epoch
   * measured one (no test set; NaN): the best model by the held-out data, for early stopping
   * and the best checkpoint.
   */
  public Optional<EpochMetrics> bestTestLoss() {
    EpochMetrics best = null;
    for (EpochMetrics m : epochs) {
      if (!Double.isNaN(m.testLoss()) && (best == null || m.testLoss() < best.testLoss())) {
        best = m;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The latest epoch. */
  public EpochMetrics last() {
    checkState(!epochs.isEmpty(), "no epoch recorded yet; add one first");
    return epochs.get(epochs.size() - 1);
  }

  /** How many epochs, what was held out, and the last epoch: what {@code fit()} ended with. */
  @Override
  public String toString() {
    return "MetricsHistory[" + epochs.size() + " epoch(s), held out: " + heldOut.name()
        + (epochs.isEmpty() ? "" : ", last " + last()) + "]";
  }
}
