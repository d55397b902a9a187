package dev.jgrad.train.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Ticker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * A per-epoch progress bar: batches done of total, samples per second, running mean loss and
 * time left. On a terminal it redraws one line in place ('\r'), at most 10 times a second, each
 * redraw a single write of the whole line (no clearing, so no flicker). When the output is not a
 * terminal (a log file, CI, an IDE console) it prints plain lines instead, at every further 10%
 * of the batches and at least every 30 seconds, plus a final line.
 *
 * <pre>{@code
 * try (ProgressBar bar = new ProgressBar("epoch " + e + "/" + epochs, batchesPerEpoch)) {
 *   for (Batch b : batches) {
 *     double loss = trainStep(b);
 *     bar.step(b.size(), loss);
 *   }
 * }   // close() prints the final line
 * }</pre>
 *
 * <p>Terminal output looks like
 * {@code epoch 3/10 [=========>          ]  220/469  47%  5,310 samples/s  loss 0.3412  ETA 0:05}.
 * Safe to call from several threads (each call is synchronized), though one is the usual case.
 *
 * <p>A loss that is costly to read (on a GPU, every read waits for the device) is given as a
 * {@link DoubleSupplier} of the running mean instead ({@link #step(int, DoubleSupplier)}): the
 * bar asks for it only when it draws.
 *
 * <p>Why not a library such as me.tongfei:progressbar (MIT, 0.10.1 of March 2024): it needs
 * JLine's terminal (org.jline.terminal) in every program that trains, draws from a thread of its
 * own on a timer rather than when a step ends, and would still need this class's plain-line mode
 * for logs and CI, and a lazy loss read only on drawing (a GPU read waits for the device).
 */
public final class ProgressBar implements AutoCloseable {
  /** Redraws on a terminal are at least this far apart: 10 per second. */
  static final long MIN_REDRAW_NANOS = 100_000_000L;
  private static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(30);
  private static final int BAR_WIDTH = 20;

  private final String label;
  private final int totalBatches;
  private final PrintStream out;
  private final boolean terminal;
  private final Ticker ticker;
  private final long logIntervalNanos;
  private final long startNanos;

  private int batches;
  private long samples;
  private double lossSum; // weighted by samples, for the running mean
  private long lossSamples;
  private DoubleSupplier meanLoss; // when set, the running mean comes from here, read on drawing
  private long lastDrawNanos;
  private boolean drawn;
  private int lastLength;
  private int lastDecileLogged;
  private long lastLogNanos;
  private boolean finished;

  /**
   * A bar on standard output; redrawn in place if standard output is a terminal. (On Java 17 to
   * 21, {@code System.console()} is non-null exactly when stdin and stdout are terminals.)
   */
  public ProgressBar(String label, int totalBatches) {
    this(label, totalBatches, System.out, System.console() != null);
  }

  /**
   * A bar on {@code out}.
   *
   * @param terminal true to redraw one line in place, false for plain log lines
   */
  public ProgressBar(String label, int totalBatches, PrintStream out, boolean terminal) {
    this(label, totalBatches, out, terminal, Ticker.systemTicker(), DEFAULT_LOG_INTERVAL);
  }

  /** For tests: a fake clock and log interval. */
  ProgressBar(String label, int totalBatches, PrintStream out, boolean terminal, Ticker ticker,
      Duration logInterval) {
    checkNotNull(label, "label is null; pass e.g. \"epoch 1/10\"");
    checkArgument(totalBatches >= 1, "totalBatches is %s; pass the number of batches per epoch"
        + " (>= 1)", totalBatches);
    this.label = label;
    this.totalBatches = totalBatches;
    this.out = checkNotNull(out, "output stream is null; pass e.g. System.out");
    this.terminal = terminal;
    this.ticker = checkNotNull(ticker, "ticker is null");
    this.logIntervalNanos = logInterval.toNanos();
    this.startNanos = ticker.read();
    this.lastLogNanos = startNanos;
  }

  /**
   * Records one finished batch of {@code batchSamples} samples with mean loss {@code batchLoss}
   * (NaN if unknown) and redraws or logs if it is time to.
   */
  public synchronized void step(int batchSamples, double batchLoss) {
    checkArgument(batchSamples >= 0, "batchSamples is %s; pass the batch size", batchSamples);
    if (!Double.isNaN(batchLoss)) {
      lossSum += batchLoss * batchSamples;
      lossSamples += batchSamples;
    }
    advance(batchSamples);
  }

  /**
   * Records one finished batch of {@code batchSamples} samples; {@code meanLoss} gives the mean
   * loss per sample over all batches so far (NaN if unknown) and is called only when the bar
   * draws, at most 10 times a second on a terminal, once per logged line otherwise.
   */
  public synchronized void step(int batchSamples, DoubleSupplier meanLoss) {
    checkArgument(batchSamples >= 0, "batchSamples is %s; pass the batch size", batchSamples);
    this.meanLoss = checkNotNull(meanLoss, "meanLoss is null; pass a supplier of the mean loss");
    advance(batchSamples);
  }

  private void advance(int batchSamples) {
    batches++;
    samples += batchSamples;
    if (finished) {
      return;
    }
    long now = ticker.read();
    if (terminal) {
      if (!drawn || now - lastDrawNanos >= MIN_REDRAW_NANOS) {
        redraw(now, false);
      }
    } else {
      int decile = (int) Math.min(10, 10L * batches / totalBatches);
      if (batches < totalBatches
          && (decile > lastDecileLogged || now - lastLogNanos >= logIntervalNanos)) {
        lastDecileLogged = decile;
        lastLogNanos = now;
        out.println(label + ": " + batches + "/" + totalBatches + " batches (" + percent()
            + "%), " + rate(now) + " samples/s, loss " + loss() + ", ETA " + eta(now));
        out.flush();
      }
    }
  }

  /** Prints the final line (with a line break on a terminal); later calls do nothing. */
  public synchronized void finish() {
    if (finished) {
      return;
    }
    finished = true;
    long now = ticker.read();
    if (terminal) {
      redraw(now, true);
      out.println();
    } else {
      out.println(label + ": done, " + batches + " batches, " + samples + " samples in "
          + seconds(now) + ", " + rate(now) + " samples/s, loss " + loss());
    }
    out.flush();
  }

  /** Same as {@link #finish()}, for try-with-resources. */
  @Override
  public void close() {
    finish();
  }

  /**
   * Mean loss per sample so far this epoch, NaN before the first batch with a loss; from the
   * supplier of the last {@link #step(int, DoubleSupplier)} if there was one.
   */
  public synchronized double runningLoss() {
    if (meanLoss != null) {
      return meanLoss.getAsDouble();
    }
    return lossSamples == 0 ? Double.NaN : lossSum / lossSamples;
  }

  /** Batches finished so far this epoch. */
  public synchronized int batchesDone() {
    return batches;
  }

  /** Samples finished so far this epoch. */
  public synchronized long samplesDone() {
    return samples;
  }

  private void redraw(long now, boolean done) {
    int filled = (int) Math.min(BAR_WIDTH, (long) BAR_WIDTH * batches / totalBatches);
    StringBuilder line = new StringBuilder(label).append(" [");
    for (int i = 0; i < BAR_WIDTH; i++) {
      line.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    String width = Integer.toString(totalBatches);
    line.append("] ")
        .append(padded(batches, width.length()))
        .append('/').append(width)
        .append(' ').append(padded(percent(), 3)).append('%')
        .append("  ").append(rate(now)).append(" samples/s")
        .append("  loss ").append(loss())
        .append(done ? "  " + seconds(now) : "  ETA " + eta(now));
    int length = line.length();
    // Spaces over the rest of a longer previous line, in the same write as the line itself.
    for (int i = length; i < lastLength; i++) {
      line.append(' ');
    }
    out.print("\r" + line);
    out.flush();
    lastLength = length;
    lastDrawNanos = now;
    drawn = true;
  }

  /** {@code n} right-aligned in {@code width} characters. */
  private static String padded(int n, int width) {
    String s = Integer.toString(n);
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private int percent() {
    return (int) Math.min(100, 100L * batches / totalBatches);
  }

  private String rate(long now) {
    double secs = (now - startNanos) / 1e9;
    return secs <= 0 ? "-" : Decimals.grouped(samples / secs);
  }

  private String loss() {
    double loss = runningLoss();
    return Double.isNaN(loss) ? "-" : Decimals.fixed(loss, 4);
  }

  private String eta(long now) {
    if (batches == 0) {
      return "-";
    }
    long left = Math.max(0, totalBatches - batches);
    return clock(Math.round((now - startNanos) / 1e9 * left / batches));
  }

  private String seconds(long now) {
    return Decimals.fixed((now - startNanos) / 1e9, 1) + "s";
  }

  /** 0:45, 12:05, 1:02:03. */
  static String clock(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0 ? h + ":" + twoDigits(m) + ":" + twoDigits(s) : m + ":" + twoDigits(s);
  }

  private static String twoDigits(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }
}
