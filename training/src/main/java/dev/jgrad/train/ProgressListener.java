package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.train.report.ProgressBar;
import java.io.PrintStream;

/**
 * Shows a {@link ProgressBar} for each epoch's training pass: redrawn in place on a terminal, plain
 * log lines otherwise.
 *
 * <pre>{@code
 * Trainer.builder()...listener(ProgressListener.onConsole(System.out)).build();
 * }</pre>
 */
public final class ProgressListener implements TrainingListener {
  private final PrintStream out;
  private final boolean terminal;
  private ProgressBar bar;

  /**
   * @param terminal true to redraw one line in place, false for plain lines (logs, CI)
   */
  public ProgressListener(PrintStream out, boolean terminal) {
    this.out = checkNotNull(out, "output stream is null; pass e.g. System.out");
    this.terminal = terminal;
  }

  /** A bar on {@code out} that redraws in place when the JVM runs on a terminal. */
  public static ProgressListener onConsole(PrintStream out) {
    return new ProgressListener(out, System.console() != null);
  }

  @Override
  public void onEpochStart(int epoch, int epochs, int batches, int samples) {
    bar = new ProgressBar("epoch " + epoch + "/" + epochs, batches, out, terminal);
  }

  /** The running loss is read from the device only when the bar redraws or logs a line. */
  @Override
  public void onBatchEnd(StepProgress progress) {
    bar.step(progress.batchSize(), progress::meanLoss);
    if (progress.batch() == progress.batches()) {
      bar.finish(); // before the evaluation, so the epoch's summary line comes after the bar
    }
  }
}
