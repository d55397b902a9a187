package dev.jgrad.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReportTest {
  @TempDir Path dir;

  private static MetricsHistory history() {
    MetricsHistory h = new MetricsHistory();
    h.add(new EpochMetrics(1, 0.4213371, 0.8812, 0.3102, 0.9103, 12.5123, 1e-4));
    h.add(EpochMetrics.trainOnly(2, 0.29, 0.92, 11.9));
    h.add(new EpochMetrics(3, Double.POSITIVE_INFINITY, 0.1, Double.NaN, 1.0, 0, 1.5e-8));
    return h;
  }

  @Test
  void writesOneRowPerEpochWithBlankUnmeasuredMetrics() throws IOException {
    Locale saved = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY); // decimal comma there: the CSV must not follow it
    try {
      Path file = dir.resolve("out/metrics.csv");
      CsvReport.write(file, history());
      assertEquals("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,"
          + "learning_rate\n"
          + "1,0.421337,0.881200,0.310200,0.910300,12.512,0.0001\n"
          + "2,0.290000,0.920000,,,11.900,\n"
          + "3,inf,0.100000,,1.000000,0.000,0.000000015\n", Files.readString(file));
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void rewritingReplacesTheWholeFile() throws IOException {
    Path file = dir.resolve("metrics.csv");
    CsvReport.write(file, history());
    MetricsHistory shorter = new MetricsHistory();
    shorter.add(EpochMetrics.trainOnly(1, 1.0, 0.5, 1));
    CsvReport.write(file, shorter);
    assertEquals(CsvReport.HEADER + "\n1,1.000000,0.500000,,,1.000,\n", Files.readString(file));
  }

  @Test
  void metricsAreValidated() {
    IllegalArgumentException percent = assertThrows(IllegalArgumentException.class,
        () -> new EpochMetrics(1, 0.3, 95.0, 0.3, 0.9, 1));
    assertEquals("train accuracy is 95.0; pass a fraction in [0, 1] (not a percentage), or NaN"
        + " if not measured", percent.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(0, 1, 1, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new EpochMetrics(1, 1, 1, 1, 1, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new EpochMetrics(1, 1, 1, 1, 1, 1, Double.POSITIVE_INFINITY));

    MetricsHistory h = history();
    IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
        () -> h.add(EpochMetrics.trainOnly(3, 1, 1, 1)));
    assertEquals("epoch 3 added after epoch 3; add epochs in increasing order",
        order.getMessage());
    assertEquals(3, h.size());
    assertTrue(h.epochs().get(0).hasTest());
    assertTrue(!h.epochs().get(1).hasTest());
    assertThrows(IllegalStateException.class, () -> new MetricsHistory().last());
  }
}
