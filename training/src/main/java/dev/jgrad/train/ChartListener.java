package dev.jgrad.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.train.report.LossChart;
import dev.jgrad.train.report.MetricsHistory;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the training curves ({@link LossChart}) as a PNG when training ends. The output that
 * {@link Trainer.Builder#chartTo} and {@link Trainer.Builder#reportTo} add.
 *
 * <p>A runtime that cannot draw the chart (no libfreetype, a jlinked image without fonts, broken
 * fontconfig: AWT throws errors) costs only the chart, one warning: losing the chart must not
 * lose hours of training. An IOException (the disk) still ends the run.
 *
 * <pre>{@code
 * Trainer.builder()...output(new ChartListener(Path.of("out/training.png"), "MNIST")).build();
 * }</pre>
 */
public final class ChartListener implements TrainingListener {
  private static final Logger log = LoggerFactory.getLogger(ChartListener.class);

  private final Path file;
  private final String title;
  private final Trainer.ChartWriter writer;

  /** Writes the chart to {@code file} (a PNG), titled {@code title}, when training ends. */
  public ChartListener(Path file, String title) {
    // a lambda, not LossChart::write, which would link LossChart, and so AWT, here
    this(file, title, (f, history, t) -> LossChart.write(f, history, t));
  }

  /**
   * Writes the chart with {@code xAxis} under its horizontal axes instead of "epoch": "round"
   * for a history whose entries are rounds (a Spark trainer's).
   */
  public ChartListener(Path file, String title, String xAxis) {
    this(file, title, (f, history, t) -> LossChart.write(f, history, t, LossChart.DEFAULT_WIDTH,
        LossChart.DEFAULT_HEIGHT, xAxis));
    checkNotNull(xAxis, "xAxis is null; pass what each entry is, e.g. \"round\"");
  }

  /** For tests: {@code writer} stands in for {@link LossChart#write}, e.g. failing as AWT can. */
  ChartListener(Path file, String title, Trainer.ChartWriter writer) {
    this.file = checkNotNull(file, "chart file is null; pass e.g. out/training.png");
    this.title = checkNotNull(title, "title is null; pass \"\" for none");
    this.writer = checkNotNull(writer, "chart writer is null");
  }

  @Override
  public void onTrainingEnd(MetricsHistory history) throws IOException {
    if (history.isEmpty()) {
      return;
    }
    try {
      writer.write(file, history, title);
    } catch (RuntimeException | Error e) {
      if (e instanceof Error && !isAwtFailure((Error) e)) {
        throw e; // OutOfMemoryError, StackOverflowError: not the runtime's fonts
      }
      // e as text: SLF4J would take a last Throwable argument for a stack trace; one line is enough
      log.warn("{} not written ({}): the chart needs AWT and its fonts; the other outputs are kept",
          file, e.toString());
    }
  }

  /**
   * LinkageError, InternalError or java.awt.AWTError, the last by name: naming it in a catch
   * would make loading this class need the java.desktop module, which a jlinked runtime may lack.
   */
  private static boolean isAwtFailure(Error e) {
    return e instanceof LinkageError || e instanceof InternalError
        || e.getClass().getName().equals("java.awt.AWTError");
  }
}
