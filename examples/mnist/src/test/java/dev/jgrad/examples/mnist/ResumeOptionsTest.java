package dev.jgrad.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The main job records the options that shape training in its checkpoint, and {@code --resume}
 * with other ones says so in one warning, naming each with its old value (a CLI trial resumed
 * without --augment, --schedule and --early-stopping and with another --batch, in silence).
 */
class ResumeOptionsTest {
  /** A short run of 500 images; the tests add what they change. */
  private static final String[] RUN = {"--limit", "500"};

  @TempDir
  Path dir;

  private static Path train(String... args) throws IOException {
    MnistOptions options = MnistOptions.parse(
        Stream.concat(Stream.of(RUN), Stream.of(args)).toArray(String[]::new));
    MnistTraining.run(options, null);
    return options.out().resolve(MnistTraining.CHECKPOINT_FILE);
  }

  /** The main job's warnings while it trains as {@code args} say. */
  private static List<String> warningsOf(String... args) throws IOException {
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    Logger main = (Logger) LoggerFactory.getLogger(MnistTraining.class);
    events.start();
    main.addAppender(events);
    try {
      train(args);
    } finally {
      main.detachAppender(events);
    }
    return events.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anotherRateAndAugmentationAreNamedWithTheirOldValues() throws IOException {
    String out = dir.resolve("a").toString();
    Path checkpoint = train("--epochs", "1", "--augment", "2", "--out", out);
    assertEquals(List.of("--resume: options differ from the run that wrote " + checkpoint
        + ": --lr 0.1 (was 0.5), --augment 0 (was 2); training goes on with this run's"),
        warningsOf("--epochs", "2", "--lr", "0.1", "--out", out, "--resume",
            checkpoint.toString()));
  }

  @Test
  void theSameOptionsAreRecordedAndResumeWithoutAWord() throws IOException {
    String out = dir.resolve("same").toString();
    Path checkpoint = train("--epochs", "1", "--out", out);
    assertEquals("model=mlp\nhidden=100\nactivation=relu\noptimizer=sgd\nlr=0.5\nbatch=100\n"
        + "schedule=constant\nweight-decay=0\naugment=0\nrotate=0\nvalidation=0\n"
        + "early-stopping=none\nseed=42\ndataset=mnist-embedded\nlimit=500\nepochs=1",
        Checkpoint.load(checkpoint).metadata().get(RecordedOptions.KEY));
    // defaults given in words, and more epochs of a constant rate: the same training
    assertEquals(List.of(), warningsOf("--epochs", "2", "--lr", "0.5", "--optimizer", "sgd",
        "--batch", "100", "--out", out, "--resume", checkpoint.toString()));
  }

  @Test
  void aCosineOverMoreEpochsIsSaidToBeRecomputed() throws IOException {
    String out = dir.resolve("cos").toString();
    Path checkpoint = train("--epochs", "2", "--schedule", "cosine", "--out", out);
    assertEquals(List.of("--resume: options differ from the run that wrote " + checkpoint
        + ": --epochs 3 (was 2; the cosine schedule now runs over 3 epochs, not 2); training goes"
        + " on with this run's"), warningsOf("--epochs", "3", "--schedule", "cosine", "--out",
        out, "--resume", checkpoint.toString()));
  }

  /** A checkpoint of before the record resumes as it did, and the resumed run records its own. */
  @Test
  void aCheckpointWithoutTheRecordResumesSilently() throws IOException {
    String out = dir.resolve("old").toString();
    Path checkpoint = train("--epochs", "1", "--augment", "2", "--out", out);
    SafeTensorsFile f = SafeTensors.read(checkpoint);
    Map<String, String> meta = new HashMap<>(f.metadata());
    meta.remove(RecordedOptions.KEY);
    SafeTensors.write(checkpoint, f.tensors(), meta);
    assertFalse(Checkpoint.load(checkpoint).metadata().containsKey(RecordedOptions.KEY));

    assertEquals(List.of(), warningsOf("--epochs", "2", "--lr", "0.1", "--out", out, "--resume",
        checkpoint.toString()));
    String recorded = Checkpoint.load(checkpoint).metadata().get(RecordedOptions.KEY);
    assertTrue(recorded != null && recorded.contains("\nlr=0.1\n")
        && recorded.endsWith("\nepochs=2"), String.valueOf(recorded));
  }

  /** Named from another working directory, or with a line break in its name: the same data. */
  @Test
  void aDataDirectoryIsComparedByItsAbsolutePath() {
    Path data = dir.resolve("a\\b\nc");
    Path file = dir.resolve("checkpoint.safetensors");
    String recorded = RecordedOptions.encode(MnistOptions.parse("--dataset", data.toString()));
    Path relative = Path.of("").toAbsolutePath().relativize(data);
    assertEquals(Optional.empty(), RecordedOptions.differences(recorded,
        MnistOptions.parse("--dataset", relative.toString()), file));
    assertEquals(Optional.of("--resume: options differ from the run that wrote " + file
        + ": --dataset mnist-embedded (was " + data + "); training goes on with this run's"),
        RecordedOptions.differences(recorded, MnistOptions.parse(), file));
  }
}
