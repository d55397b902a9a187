package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.io.IdxArray;
import dev.jgrad.io.IdxReader;
import dev.jgrad.io.IdxWriter;
import dev.jgrad.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** --dataset DIR: the log names the files read, and warns of a stale copy beside another. */
class DataFilesTest {
  @TempDir
  Path dir;

  @Test
  void bothRawAndGzipOfAPartAreNamedInAWarning() throws IOException {
    Path data = dir.resolve("data");
    SyntheticMnist.write(data, 200, 50, 1, true);
    Path raw = dir.resolve("raw");
    SyntheticMnist.write(raw, 200, 50, 2, false); // other labels: a stale uncompressed copy
    Files.copy(raw.resolve("train-labels-idx1-ubyte"), data.resolve("train-labels-idx1-ubyte"));

    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger(DataSource.class);
    logger.addAppender(appender);
    logger.setLevel(Level.INFO); // the tests' configuration may log warnings only
    try {
      DataSource.parse(data.toString()).load();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(null);
    }
    List<ILoggingEvent> warnings = appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN).toList();
    assertEquals(1, warnings.size(), appender.list.toString());
    assertEquals(data + " holds train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz; reading"
        + " train-labels-idx1-ubyte; delete the other if it is stale",
        warnings.get(0).getFormattedMessage());
    assertTrue(appender.list.stream().anyMatch(e -> e.getFormattedMessage().equals("reading"
        + " train-images-idx3-ubyte.gz, train-labels-idx1-ubyte, t10k-images-idx3-ubyte.gz,"
        + " t10k-labels-idx1-ubyte.gz from " + data)), appender.list.toString());
  }

  @Test
  void labelsAboveNineGiveAsManyClassesAsTheLabelsSay() throws IOException {
    Path data = dir.resolve("letters");
    SyntheticMnist.write(data, 300, 100, 3, false);
    for (String split : List.of("train", "t10k")) { // labels 10..19, as EMNIST's go past 9
      Path file = data.resolve(split + "-labels-idx1-ubyte");
      int[] labels = IdxReader.read(file).toIntArray();
      byte[] shifted = new byte[labels.length];
      for (int i = 0; i < labels.length; i++) {
        shifted[i] = (byte) (labels[i] + 10);
      }
      IdxWriter.writeUncompressed(file, IdxArray.ofUnsignedBytes(shifted, labels.length));
    }
    Path out = dir.resolve("out");
    MnistMainTest.Run run = MnistMainTest.run("--dataset", data.toString(), "--epochs", "1",
        "--out", out.toString());
    assertEquals(0, run.status(), run.err());
    String model = Checkpoint.load(out.resolve(MnistTraining.CHECKPOINT_FILE)).metadata()
        .get("model");
    assertTrue(model.endsWith("{\"type\":\"Linear\",\"in\":100,\"out\":20}]}}"),
        "a 20-class output layer: " + model);
  }

  @Test
  void aLossThatBecomesNanNamesTheWeightDecayGiven() {
    MnistMainTest.Run run = MnistMainTest.run("--weight-decay", "1e6", "--epochs", "1",
        "--limit", "1000", "--out", dir.resolve("out").toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().startsWith("error: the loss became "), run.err());
    assertTrue(run.err().strip().endsWith("lower the learning rate (now 0.5) or --weight-decay"
        + " (now 1000000.0)"), run.err());
  }
}
