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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(MnistTraining.class);

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  private Path train(String... args) throws IOException {
    String[] all = Stream.concat(Stream.of(RUN), Stream.of(args)).toArray(String[]::new);
    MnistOptions options = MnistOptions.parse(all);
    MnistTraining.run(options, null);
    return options.out().resolve(MnistTraining.CHECKPOINT_FILE);
  }

  private List<String> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void anotherRateAndAugmentationAreNamedWithTheirOldValues() throws IOException {
    String out = dir.resolve("a").toString();
    Path checkpoint = train("--epochs", "1", "--augment", "2", "--out", out);
    train("--epochs", "2", "--lr", "0.1", "--out", out, "--resume", checkpoint.toString());
    assertEquals(List.of("--resume: options differ from the run that wrote " + checkpoint
        + ": --lr 0.1 (was 0.5), --augment 0 (was 2); training goes on with this run's"),
        warnings());
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
    train("--epochs", "2", "--lr", "0.5", "--optimizer", "sgd", "--batch", "100", "--out", out,
        "--resume", checkpoint.toString());
    assertEquals(List.of(), warnings());
  }

  @Test
  void aCosineOverMoreEpochsIsSaidToBeRecomputed() throws IOException {
    String out = dir.resolve("cos").toString();
    Path checkpoint = train("--epochs", "2", "--schedule", "cosine", "--out", out);
    train("--epochs", "3", "--schedule", "cosine", "--out", out, "--resume",
        checkpoint.toString());
    assertEquals(List.of("--resume: options differ from the run that wrote " + checkpoint
        + ": --epochs 3 (was 2; the cosine schedule now runs over 3 epochs, not 2); training goes"
        + " on with this run's"), warnings());
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

    train("--epochs", "2", "--lr", "0.1", "--out", out, "--resume", checkpoint.toString());
    assertEquals(List.of(), warnings());
    String recorded = Checkpoint.load(checkpoint).metadata().get(RecordedOptions.KEY);
    assertTrue(recorded != null && recorded.contains("\nlr=0.1\n")
        && recorded.endsWith("\nepochs=2"), String.valueOf(recorded));
  }
}
