package dev.jgrad.train.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws the training curves of a {@link MetricsHistory} as a PNG: a loss panel (train and test
 * loss per epoch, "validation" in the legend for a {@link HeldOut#VALIDATION} history) beside an
 * accuracy panel (train and test accuracy, in percent), each with tick labels, grid and legend,
 * under a title. Where the history measured the training set in evaluation mode after its epochs
 * ({@link EpochMetrics#trainEvalAccuracy}), each panel has a third, green curve, "train (eval
 * mode)": the book's train accuracy (Fig. 6-22), beside the running mean in training mode. Renders off-screen, so it works on servers without a
 * display (java.awt.headless is set to true unless the application chose otherwise).
 *
 * <pre>{@code
 * LossChart.write(Path.of("out/training.png"), history, "MNIST MLP, 784-128-10");
 * }</pre>
 *
 * <p>Why not XChart (issue 19): measured against XChart 3.8.8 drawing the same chart
 * (bench/chart), its first chart in a fresh JVM took 0.8-1.5 s longer (class loading, paid once
 * by every run of the main job), its jars would add 4.3-5.7 MB to the shaded jar, its PNGs were
 * larger, and it showed nothing this one does not; docs/dependencies.md has the numbers.
 */
public final class LossChart {
  /** Width of the PNG {@link #write(Path, MetricsHistory, String)} draws, in pixels. */
  public static final int DEFAULT_WIDTH = 1000;
  /** Height of the PNG {@link #write(Path, MetricsHistory, String)} draws, in pixels. */
  public static final int DEFAULT_HEIGHT = 420;
  /** Colour of the training curves (matplotlib's tab:blue). */
  public static final Color TRAIN_COLOR = new Color(31, 119, 180);
  /** Colour of the test curves (matplotlib's tab:orange). */
  public static final Color TEST_COLOR = new Color(255, 127, 14);
  /** Colour of the curves of the training set in evaluation mode (matplotlib's tab:green). */
  public static final Color TRAIN_EVAL_COLOR = new Color(44, 160, 44);
  /** The legend's label of the curves of the training set measured in evaluation mode. */
  static final String TRAIN_EVAL_LABEL = "train (eval mode)";

  private static final Color TEXT = new Color(30, 30, 30);
  private static final Color AXIS = new Color(90, 90, 90);
  private static final Color GRID = new Color(225, 225, 225);
  /** Above this many epochs the point markers would merge into a smear; lines only. */
  private static final int MAX_MARKERS = 60;

  static {
    // Before any AWT class initialises: no display is needed to draw into an image.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private LossChart() {}

  /** Writes the chart as a {@value #DEFAULT_WIDTH}x{@value #DEFAULT_HEIGHT} PNG, atomically. */
  public static void write(Path file, MetricsHistory history, String title) throws IOException {
    write(file, history, title, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /** Writes the chart as a {@code width x height} PNG, atomically. */
  public static void write(Path file, MetricsHistory history, String title, int width,
      int height) throws IOException {
    write(file, history, title, width, height, "epoch");
  }

  /**
   * Writes the chart with {@code xAxis} under its horizontal axes instead of "epoch": "round"
   * where each entry of the history is one (a Spark trainer's).
   */
  public static void write(Path file, MetricsHistory history, String title, int width,
      int height, String xAxis) throws IOException {
    checkNotNull(file, "file is null; pass the PNG path, e.g. out/training.png");
    BufferedImage image = render(history, title, width, height, xAxis);
    AtomicFiles.writePng(file, image);
  }

  /** The chart as an image, for callers that display or embed it themselves. */
  public static BufferedImage render(MetricsHistory history, String title, int width,
      int height) {
    return render(history, title, width, height, "epoch");
  }

  /** The chart as an image, {@code xAxis} naming what each entry of the history is. */
  public static BufferedImage render(MetricsHistory history, String title, int width,
      int height, String xAxis) {
    checkNotNull(history, "history is null");
    checkNotNull(title, "title is null; pass \"\" for none");
    checkNotNull(xAxis, "xAxis is null; pass what each entry is, e.g. \"epoch\"");
    checkArgument(width >= 400 && height >= 200 && (long) width * height <= 50_000_000L,
        "chart size %sx%s: pass at least 400x200 and at most 50 megapixels", width, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);

      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.setColor(TEXT);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, (width - fm.stringWidth(title)) / 2, 10 + fm.getAscent());
      int top = 10 + fm.getHeight() + 6;

      List<EpochMetrics> epochs = history.epochs();
      // no accuracy panel for a regression, whose accuracy is never measured
      boolean accuracy = epochs.stream().anyMatch(
          m -> !Double.isNaN(m.trainAccuracy()) || !Double.isNaN(m.testAccuracy()));
      int half = accuracy ? width / 2 : width;
      Rectangle left = new Rectangle(0, top, half, height - top);
      Rectangle right = new Rectangle(half, top, width - half, height - top);
      String heldOut = history.heldOut().label();
      boolean trainEval = epochs.stream().anyMatch(EpochMetrics::hasTrainEval);
      List<Series> losses = new ArrayList<>(List.of(
          new Series("train", EpochMetrics::trainLoss, TRAIN_COLOR),
          new Series(heldOut, EpochMetrics::testLoss, TEST_COLOR)));
      List<Series> accuracies = new ArrayList<>(List.of(
          new Series("train", EpochMetrics::trainAccuracy, TRAIN_COLOR),
          new Series(heldOut, EpochMetrics::testAccuracy, TEST_COLOR)));
      if (trainEval) {
        losses.add(new Series(TRAIN_EVAL_LABEL, EpochMetrics::trainEvalLoss, TRAIN_EVAL_COLOR));
        accuracies.add(new Series(TRAIN_EVAL_LABEL, EpochMetrics::trainEvalAccuracy,
            TRAIN_EVAL_COLOR));
      }
      new Panel("loss", epochs, losses, 1, "", true, xAxis).draw(g, left);
      if (accuracy) {
        new Panel("accuracy", epochs, accuracies, 100, "%", false, xAxis).draw(g, right);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** One curve: its legend label, its value per epoch, its colour. */
  private record Series(String label, ToDoubleFunction<EpochMetrics> values, Color color) {}

  /** One plot: its series over the epochs, axes, ticks, grid, legend. */
  private static final class Panel {
    private final String name;
    private final List<EpochMetrics> epochs;
    private final List<Series> series;
    private final double scale;
    private final String unit;
    private final boolean legendOnTop;
    private final String xAxis;

    Panel(String name, List<EpochMetrics> epochs, List<Series> series, double scale,
        String unit, boolean legendOnTop, String xAxis) {
      this.name = name;
      this.epochs = epochs;
      this.series = series;
      this.scale = scale;
      this.unit = unit;
      this.legendOnTop = legendOnTop;
      this.xAxis = xAxis;
    }

    void draw(Graphics2D g, Rectangle area) {
      Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.setColor(TEXT);
      FontMetrics titleMetrics = g.getFontMetrics();
      g.drawString(name, area.x + (area.width - titleMetrics.stringWidth(name)) / 2,
          area.y + titleMetrics.getAscent());

      g.setFont(tickFont);
      FontMetrics fm = g.getFontMetrics();
      double[] yRange = valueRange();
      Ticks yTicks = yRange == null ? null : Ticks.nice(yRange[0], yRange[1], 6, false);
      int yLabelWidth = 0;
      if (yTicks != null) {
        for (double v = yTicks.first; v <= yTicks.last + yTicks.step / 2; v += yTicks.step) {
          yLabelWidth = Math.max(yLabelWidth, fm.stringWidth(yTicks.label(v) + unit));
        }
      }
      Rectangle plot = new Rectangle(area.x + 16 + yLabelWidth + 8,
          area.y + titleMetrics.getHeight() + 8, 0, 0);
      plot.width = area.x + area.width - 24 - plot.x;
      plot.height = area.y + area.height - 2 * fm.getHeight() - 14 - plot.y;

      if (yTicks == null) {
        drawFrame(g, plot);
        String msg = epochs.isEmpty() ? "no " + xAxis + "s yet" : "no " + name + " measured";
        g.setColor(AXIS);
        g.drawString(msg, plot.x + (plot.width - fm.stringWidth(msg)) / 2,
            plot.y + plot.height / 2);
        return;
      }
      int firstEpoch = epochs.get(0).epoch();
      int lastEpoch = epochs.get(epochs.size() - 1).epoch();
      // A margin so the markers of the first and last epoch are not cut in half by the frame.
      double xPad = firstEpoch == lastEpoch ? 0.5 : (lastEpoch - firstEpoch) * 0.03;
      double xMin = firstEpoch - xPad;
      double xMax = lastEpoch + xPad;
      Ticks xTicks = Ticks.nice(firstEpoch, Math.max(lastEpoch, firstEpoch + 1), 10, true);
      Mapper map = new Mapper(plot, xMin, xMax, yTicks.first, yTicks.last);

      // Grid and tick labels.
      g.setStroke(new BasicStroke(1f));
      for (double v = yTicks.first; v <= yTicks.last + yTicks.step / 2; v += yTicks.step) {
        int y = (int) Math.round(map.y(v));
        g.setColor(GRID);
        g.drawLine(plot.x, y, plot.x + plot.width, y);
        g.setColor(TEXT);
        String label = yTicks.label(v) + unit;
        g.drawString(label, plot.x - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
      }
      for (double v = xTicks.first; v <= xMax; v += xTicks.step) {
        if (v < xMin) {
          continue;
        }
        int x = (int) Math.round(map.x(v));
        g.setColor(GRID);
        g.drawLine(x, plot.y, x, plot.y + plot.height);
        g.setColor(TEXT);
        String label = xTicks.label(v);
        g.drawString(label, x - fm.stringWidth(label) / 2, plot.y + plot.height + 4
            + fm.getAscent());
      }
      drawFrame(g, plot);
      g.setColor(TEXT);
      g.drawString(xAxis, plot.x + (plot.width - fm.stringWidth(xAxis)) / 2,
          plot.y + plot.height + 6 + fm.getHeight() + fm.getAscent());

      // Curves, clipped to the plot so an outlier cannot draw over the labels.
      java.awt.Shape clip = g.getClip();
      g.clip(new Rectangle(plot.x, plot.y, plot.width + 1, plot.height + 1));
      for (Series s : series) {
        drawSeries(g, map, s.values(), s.color());
      }
      g.setClip(clip);
      drawLegend(g, plot, fm);
    }

    /** The [min, max] of all series after scaling, or null if nothing is finite. */
    private double[] valueRange() {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (EpochMetrics m : epochs) {
        for (Series s : series) {
          double v = s.values().applyAsDouble(m);
          if (Double.isFinite(v)) {
            min = Math.min(min, v * scale);
            max = Math.max(max, v * scale);
          }
        }
      }
      if (min > max) {
        return null;
      }
      // A margin as for x; a flat line still needs an axis of some height.
      double pad = max - min > 1e-12 * Math.max(1, Math.abs(max)) ? (max - min) * 0.03
          : Math.max(Math.abs(max) * 0.05, 0.01);
      return new double[] {min - pad, max + pad};
    }

    private void drawSeries(Graphics2D g, Mapper map, ToDoubleFunction<EpochMetrics> series,
        Color color) {
      g.setColor(color);
      g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double line = new Path2D.Double();
      boolean penDown = false;
      for (EpochMetrics m : epochs) {
        double v = series.applyAsDouble(m) * scale;
        if (!Double.isFinite(v)) {
          penDown = false; // a gap where the metric was not measured
          continue;
        }
        if (penDown) {
          line.lineTo(map.x(m.epoch()), map.y(v));
        } else {
          line.moveTo(map.x(m.epoch()), map.y(v));
          penDown = true;
        }
      }
      g.draw(line);
      if (epochs.size() <= MAX_MARKERS) {
        for (EpochMetrics m : epochs) {
          double v = series.applyAsDouble(m) * scale;
          if (Double.isFinite(v)) {
            g.fill(new Ellipse2D.Double(map.x(m.epoch()) - 3.5, map.y(v) - 3.5, 7, 7));
          }
        }
      }
    }

    private void drawLegend(Graphics2D g, Rectangle plot, FontMetrics fm) {
      int lineHeight = fm.getHeight() + 2;
      int labelWidth = 0;
      for (Series s : series) {
        labelWidth = Math.max(labelWidth, fm.stringWidth(s.label()));
      }
      int boxWidth = 10 + 24 + 6 + labelWidth + 10;
      int boxHeight = 8 + series.size() * lineHeight;
      int x = plot.x + plot.width - boxWidth - 10;
      int y = legendOnTop ? plot.y + 10 : plot.y + plot.height - boxHeight - 10;
      g.setColor(new Color(255, 255, 255, 230));
      g.fillRect(x, y, boxWidth, boxHeight);
      g.setColor(GRID.darker());
      g.setStroke(new BasicStroke(1f));
      g.drawRect(x, y, boxWidth, boxHeight);
      for (int i = 0; i < series.size(); i++) {
        int cy = y + 4 + i * lineHeight + lineHeight / 2;
        g.setColor(series.get(i).color());
        g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(x + 10, cy, x + 34, cy);
        g.setColor(TEXT);
        g.drawString(series.get(i).label(), x + 40, cy + fm.getAscent() / 2 - 1);
      }
    }

    private static void drawFrame(Graphics2D g, Rectangle plot) {
      g.setColor(AXIS);
      g.setStroke(new BasicStroke(1f));
      g.drawRect(plot.x, plot.y, plot.width, plot.height);
    }
  }

  /** Data coordinates to pixels. */
  private static final class Mapper {
    private final Rectangle plot;
    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;

    Mapper(Rectangle plot, double xMin, double xMax, double yMin, double yMax) {
      this.plot = plot;
      this.xMin = xMin;
      this.xMax = xMax;
      this.yMin = yMin;
      this.yMax = yMax;
    }

    double x(double v) {
      return plot.x + (v - xMin) / (xMax - xMin) * plot.width;
    }

    double y(double v) {
      return plot.y + plot.height - (v - yMin) / (yMax - yMin) * plot.height;
    }
  }

  /** Round tick values covering a range: steps of 1, 2 or 5 times a power of ten. */
  private static final class Ticks {
    final double first;
    final double last;
    final double step;
    private final int decimals;

    private Ticks(double first, double last, double step) {
      this.first = first;
      this.last = last;
      this.step = step;
      this.decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
    }

    static Ticks nice(double min, double max, int maxTicks, boolean integers) {
      double raw = (max - min) / (maxTicks - 1);
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double fraction = raw / magnitude;
      double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
      if (integers) {
        step = Math.max(1, Math.round(step));
      }
      return new Ticks(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    String label(double v) {
      return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step / 1e6 ? 0 : v);
    }
  }
}
