package dev.jgrad.examples.mnist;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.MetricsHistory;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The line a run stopped by Ctrl-C or SIGTERM prints (from a shutdown hook, while the JVM goes
 * down): which epoch it was in, which epoch the checkpoint holds and how to resume. It only
 * watches the epochs go by; the checkpoint is the one each finished epoch saved atomically, so
 * the hook reads and writes no file.
 */
final class InterruptNotice implements TrainingListener {
  private final Path checkpoint;
  private final PrintStream err;
  /** The epoch under way, 0 before the first starts. */
  private volatile int started;
  /** The last epoch that ended (its checkpoint saved right after). */
  private volatile int ended;

  InterruptNotice(Path checkpoint, PrintStream err) {
    this.checkpoint = checkNotNull(checkpoint, "checkpoint is null");
    this.err = checkNotNull(err, "err is null");
  }

  @Override
  public void onEpochStart(int epoch, int epochs, int batches, int samples) {
    if (started == 0) {
      ended = epoch - 1; // a resumed run's checkpoint holds the epochs before
    }
    started = epoch;
  }

  @Override
  public void onEpochEnd(EpochMetrics metrics, MetricsHistory history) {
    ended = metrics.epoch();
  }

  /** The line, or null before any epoch started (nothing to resume). */
  String line() {
    int now = started;
    int done = ended;
    if (now == 0) {
      return null;
    }
    String resume = "; resume with --resume " + checkpoint;
    if (done >= now) { // between an epoch's end and the next one's start: saving it
      return "interrupted after epoch " + now + ", perhaps while saving it; the checkpoint in "
          + checkpoint + " holds epoch " + now + " or " + (now - 1) + resume;
    }
    return "interrupted during epoch " + now + "; " + (done == 0
        ? "no epoch was finished, so there is no checkpoint to resume from"
        : "the checkpoint after epoch " + done + " is in " + checkpoint + resume);
  }

  /** A thread for {@link Runtime#addShutdownHook} that prints {@link #line()}. */
  Thread hook() {
    return new Thread(() -> {
      String line = line();
      if (line != null) {
        err.println();
        err.println(line);
        err.flush();
      }
    }, "jgrad-interrupt-notice");
  }
}
