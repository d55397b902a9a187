package dev.jgrad.spark;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes every round's timings so far as CSV ({@link #HEADER}), atomically after each round:
 * throughput and the split of each round between compute and communication, which the epoch CSV
 * of the {@code Trainer} has no columns for.
 */
public final class RoundCsvListener implements RoundListener {
  /** The CSV's first line: the columns, seconds as wall time on the driver. */
  public static final String HEADER = "round,samples,partitions,loss,accuracy,seconds,"
      + "compute_seconds,communication_seconds,samples_per_second";

  private final Path file;
  private final StringBuilder rows = new StringBuilder(HEADER).append('\n');

  /** Writes to {@code file}, replacing it atomically after every round. */
  public RoundCsvListener(Path file) {
    this.file = checkNotNull(file, "CSV file is null; pass e.g. out/rounds.csv");
  }

  @Override
  public void onRoundEnd(RoundMetrics m) throws IOException {
    rows.append(String.format(Locale.ROOT, "%d,%d,%d,%.6f,%s,%.4f,%.4f,%.4f,%.1f%n", m.round(),
        m.samples(), m.partitions(), m.loss(),
        Double.isNaN(m.accuracy()) ? "" : String.format(Locale.ROOT, "%.6f", m.accuracy()),
        m.seconds(), m.computeSeconds(), m.communicationSeconds(), m.samplesPerSecond()));
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(bytes));
  }
}
