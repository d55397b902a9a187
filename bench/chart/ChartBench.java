import dev.jgrad.train.report.EpochMetrics;
import dev.jgrad.train.report.LossChart;
import dev.jgrad.train.report.MetricsHistory;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The main job's training chart drawn two ways, for issue 19's "XChart for the PNG curves, unless
 * our Java2D chart is measurably better": jgrad's {@link LossChart} and XChart 3.8.8 set up to
 * show the same things (a title with the data set's name; a loss panel and an accuracy panel in
 * percent side by side; train and test series with markers, legend, axis titles, ticks and grid;
 * 1000x420). Both encode with ImageIO's PNG writer, as LossChart writes through AtomicFiles.
 *
 * <p>{@code java ChartBench first ours|xchart EPOCHS}: one render and encode in a fresh JVM, the
 * time a CLI pays once (class loading, fonts) in milliseconds. {@code java ChartBench warm
 * EPOCHS}: both, 20 warm-up rounds then the median and best of 30, and the PNG bytes; writes
 * /tmp/chart-ours-EPOCHS.png and /tmp/chart-xchart-EPOCHS.png to look at. bench/chart/run.sh
 * builds the class path and runs both modes.
 */
public final class ChartBench {
  private static final int WIDTH = LossChart.DEFAULT_WIDTH;
  private static final int HEIGHT = LossChart.DEFAULT_HEIGHT;
  private static final String TITLE =
      "MNIST MLP 784-100-10 relu, sgd lr 0.5, batch 100 (cpu)";

  private ChartBench() {}

  public static void main(String[] args) throws IOException {
    Locale.setDefault(Locale.ROOT);
    System.setProperty("java.awt.headless", "true");
    int epochs = Integer.parseInt(args[args.length - 1]);
    MetricsHistory history = history(epochs);
    if (args[0].equals("first")) {
      long t0 = System.nanoTime();
      byte[] png = args[1].equals("ours") ? ours(history) : xchart(history);
      System.out.printf("first %-6s %3d epochs: %7.1f ms, %d bytes%n", args[1], epochs,
          (System.nanoTime() - t0) / 1e6, png.length);
      return;
    }
    for (String which : new String[] {"ours", "xchart"}) {
      byte[] png = null;
      for (int i = 0; i < 20; i++) {
        png = render(which, history);
      }
      double[] ms = new double[30];
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        png = render(which, history);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      Files.write(Path.of("/tmp/chart-" + which + "-" + epochs + ".png"), png);
      System.out.printf("warm  %-6s %3d epochs: median %6.1f ms, best %6.1f ms, %d bytes%n",
          which, epochs, ms[ms.length / 2], ms[0], png.length);
    }
  }

  private static byte[] render(String which, MetricsHistory history) throws IOException {
    return which.equals("ours") ? ours(history) : xchart(history);
  }

  /** A plausible run: losses falling, accuracies rising towards a plateau, test a bit worse. */
  static MetricsHistory history(int epochs) {
    MetricsHistory h = new MetricsHistory();
    for (int e = 1; e <= epochs; e++) {
      double t = (double) e / epochs;
      double wiggle = 0.01 * Math.sin(7.0 * e);
      double trainLoss = 0.05 + 0.6 * Math.exp(-5 * t) + wiggle;
      double testLoss = 0.12 + 0.55 * Math.exp(-4 * t) + 0.05 * t - wiggle;
      h.add(new EpochMetrics(e, trainLoss, 1 - 0.9 * trainLoss / 0.65 * 0.15,
          testLoss, 1 - 0.9 * testLoss / 0.65 * 0.15, 0.9));
    }
    return h;
  }

  static byte[] ours(MetricsHistory history) throws IOException {
    return png(LossChart.render(history, TITLE, WIDTH, HEIGHT));
  }

  /** The same chart with XChart: two XYCharts painted side by side under one title. */
  static byte[] xchart(MetricsHistory history) throws IOException {
    int n = history.size();
    double[] epoch = new double[n];
    double[][] series = new double[4][n];
    for (int i = 0; i < n; i++) {
      EpochMetrics m = history.epochs().get(i);
      epoch[i] = m.epoch();
      series[0][i] = m.trainLoss();
      series[1][i] = m.testLoss();
      series[2][i] = 100 * m.trainAccuracy();
      series[3][i] = 100 * m.testAccuracy();
    }
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(30, 30, 30));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    int titleWidth = g.getFontMetrics().stringWidth(TITLE);
    g.drawString(TITLE, (WIDTH - titleWidth) / 2, 10 + g.getFontMetrics().getAscent());
    int top = 36;
    XYChart loss = panel("loss", "loss", epoch, series[0], series[1], n,
        Styler.LegendPosition.InsideNE);
    XYChart acc = panel("accuracy", "accuracy (%)", epoch, series[2], series[3], n,
        Styler.LegendPosition.InsideSE);
    Graphics2D left = (Graphics2D) g.create(0, top, WIDTH / 2, HEIGHT - top);
    loss.paint(left, WIDTH / 2, HEIGHT - top);
    left.dispose();
    Graphics2D right = (Graphics2D) g.create(WIDTH / 2, top, WIDTH / 2, HEIGHT - top);
    acc.paint(right, WIDTH / 2, HEIGHT - top);
    right.dispose();
    g.dispose();
    return png(image);
  }

  private static XYChart panel(String title, String yTitle, double[] x, double[] train,
      double[] test, int n, Styler.LegendPosition legend) {
    XYChart c = new XYChartBuilder().width(WIDTH / 2).height(HEIGHT).title(title)
        .xAxisTitle("epoch").yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(legend);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesVisible(true);
    c.getStyler().setMarkerSize(n > 60 ? 0 : 5); // LossChart's rule: no markers above 60 epochs
    c.getStyler().setSeriesColors(new Color[] {LossChart.TRAIN_COLOR, LossChart.TEST_COLOR});
    XYSeries a = c.addSeries("train", x, train);
    XYSeries b = c.addSeries("test", x, test);
    a.setMarker(SeriesMarkers.CIRCLE);
    b.setMarker(SeriesMarkers.CIRCLE);
    return c;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", out)) {
      throw new IOException("no PNG writer");
    }
    return out.toByteArray();
  }
}
