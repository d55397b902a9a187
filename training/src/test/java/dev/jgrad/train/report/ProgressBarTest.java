package dev.jgrad.train.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, UTF_8);
  private final FakeTicker clock = new FakeTicker();

  private ProgressBar bar(int total, boolean terminal) {
    return new ProgressBar("epoch 1/3", total, out, terminal, clock, Duration.ofSeconds(30));
  }

  private String output() {
    return bytes.toString(UTF_8);
  }

  @Test
  void terminalRedrawsInPlaceAtMostTenTimesASecond() {
    ProgressBar bar = bar(200, true);
    for (int i = 0; i < 200; i++) {
      clock.advanceMillis(10); // 100 batches per second
      bar.step(50, 0.5);
    }
    bar.finish();
    String text = output();
    long redraws = text.chars().filter(c -> c == '\r').count();
    // 2 seconds of batches: the first draw, then one per 100 ms, plus the final line.
    assertTrue(redraws >= 20 && redraws <= 22, "redraws: " + redraws);
    assertFalse(text.substring(0, text.length() - 1).contains("\n"), "one line, redrawn");
    String last = text.substring(text.lastIndexOf('\r') + 1);
    assertTrue(last.endsWith("\n"), "the final line ends the line");
    assertEquals("epoch 1/3 [====================] 200/200 100%  5,000 samples/s  loss 0.5000"
        + "  2.0s", last.stripTrailing(), "spaces cover the longer ETA line before it");
  }

  @Test
  void terminalLineShowsProgressRateLossAndEta() {
    ProgressBar bar = bar(100, true);
    clock.advanceMillis(10_000);
    bar.step(100, 1.0); // first step always draws
    String first = output();
    assertEquals("\repoch 1/3 [>                   ]   1/100   1%  10 samples/s  loss 1.0000"
        + "  ETA 16:30", first);
  }

  @Test
  void shorterLinesOverwriteTheRestOfLongerOnes() {
    ProgressBar bar = bar(10, true);
    clock.advanceMillis(3_600_000);
    bar.step(1, 123.0); // ETA 9:00:00, long
    clock.advanceMillis(1);
    for (int i = 0; i < 8; i++) {
      clock.advanceMillis(1000);
      bar.step(1_000_000, 0.0);
    }
    List<String> draws = Arrays.stream(output().split("\r")).skip(1).collect(Collectors.toList());
    assertTrue(draws.size() >= 2);
    for (int i = 1; i < draws.size(); i++) {
      assertTrue(draws.get(i).length() >= draws.get(i - 1).trim().length(),
          "redraw " + i + " covers the previous line: " + draws);
    }
    assertTrue(draws.get(draws.size() - 1).endsWith(" "), "padded with spaces");
  }

  @Test
  void plainOutputLogsEveryTenPercentAndAtTheEnd() {
    ProgressBar bar = bar(100, false);
    for (int i = 0; i < 100; i++) {
      clock.advanceMillis(100);
      bar.step(32, i < 50 ? 2.0 : 1.0);
    }
    bar.finish();
    List<String> lines = output().lines().collect(Collectors.toList());
    assertEquals(10, lines.size(), output());
    assertEquals("epoch 1/3: 10/100 batches (10%), 320 samples/s, loss 2.0000, ETA 0:09",
        lines.get(0));
    assertEquals("epoch 1/3: 90/100 batches (90%), 320 samples/s, loss 1.5556, ETA 0:01",
        lines.get(8));
    assertEquals("epoch 1/3: done, 100 batches, 3200 samples in 10.0s, 320 samples/s, loss"
        + " 1.5000", lines.get(9));
    assertFalse(output().contains("\r"));
  }

  @Test
  void aLossSupplierIsReadOnlyWhenTheBarDraws() {
    for (boolean terminal : new boolean[] {true, false}) {
      bytes.reset();
      ProgressBar bar = bar(200, terminal);
      int[] reads = new int[1];
      for (int i = 0; i < 200; i++) {
        clock.advanceMillis(10); // 100 batches per second
        bar.step(50, () -> {
          reads[0]++;
          return 0.25;
        });
      }
      bar.finish();
      long draws = terminal ? output().chars().filter(c -> c == '\r').count()
          : output().lines().count();
      // terminal: the first draw, one per 100 ms and the final line; plain: 9 deciles and the end
      assertEquals(draws, reads[0], "one read per draw, not per batch: " + output());
      assertTrue(reads[0] <= (terminal ? 22 : 10), "reads: " + reads[0]);
      assertTrue(output().contains("loss 0.2500"), output());
    }
  }

  @Test
  void plainOutputAlsoLogsWhenBatchesAreSlow() {
    ProgressBar bar = bar(1000, false);
    for (int i = 0; i < 5; i++) {
      clock.advanceMillis(20_000); // 20 s per batch: 30 s pass every second batch
      bar.step(1, 1.0);
    }
    List<String> lines = output().lines().collect(Collectors.toList());
    assertEquals(2, lines.size(), output());
    assertTrue(lines.get(0).startsWith("epoch 1/3: 2/1000 batches (0%)"), lines.get(0));
    assertTrue(lines.get(1).startsWith("epoch 1/3: 4/1000 batches (0%)"), lines.get(1));
  }

  @Test
  void runningLossIsTheSampleWeightedMeanAndSkipsNaN() {
    ProgressBar bar = bar(4, false);
    assertTrue(Double.isNaN(bar.runningLoss()));
    bar.step(10, 1.0);
    bar.step(30, 2.0);
    bar.step(5, Double.NaN);
    assertEquals(1.75, bar.runningLoss(), 1e-12);
    assertEquals(3, bar.batchesDone());
    assertEquals(45, bar.samplesDone());
  }

  @Test
  void finishIsIdempotentAndCloseFinishes() {
    try (ProgressBar bar = bar(2, true)) {
      bar.step(1, 1);
      bar.step(1, 1);
    }
    String once = output();
    assertTrue(once.endsWith("\n"));
    ProgressBar again = bar(2, true);
    again.finish();
    int length = output().length();
    again.finish();
    again.step(1, 1);
    assertEquals(length, output().length(), "nothing printed after finish");
  }

  @Test
  void formatsClockTimes() {
    assertEquals("0:00", ProgressBar.clock(0));
    assertEquals("0:45", ProgressBar.clock(45));
    assertEquals("12:05", ProgressBar.clock(725));
    assertEquals("1:02:03", ProgressBar.clock(3723));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> bar(0, true));
    assertThrows(IllegalArgumentException.class, () -> bar(3, true).step(-1, 0));
    assertThrows(NullPointerException.class, () -> bar(3, true).step(1, null));
  }

  private static final class FakeTicker extends Ticker {
    private long nanos = 1_000_000_000L;

    void advanceMillis(long millis) {
      nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Override
    public long read() {
      return nanos;
    }
  }
}
