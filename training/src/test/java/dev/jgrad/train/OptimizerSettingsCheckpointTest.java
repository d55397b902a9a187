package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.data.DataLoader;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.SafeTensorsFile;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records the optimizer's learning rate and settings: {@code restoreOptimizer} sets
 * the rate back, as PyTorch's {@code optimizer.load_state_dict}, and names the settings that
 * differ in one warning (user trials: a rate of 0.0123 came back as the constructor's 0.1;
 * SGD(0.1, momentum 0.9, decay 1e-4) restored into SGD(0.5, 0.5, 0) in silence). The Trainer's
 * resume keeps its own run's rate; older checkpoints restore as before.
 */
class OptimizerSettingsCheckpointTest {
  @TempDir
  Path dir;

  private static Sequential net() {
    Random random = new Random(3);
    return new Sequential(new Linear(2, 4, random), new ReLU(), new Linear(4, 3, random));
  }

  /** A checkpoint of SGD(0.1, momentum 0.9, decay 1e-4) after one step, its rate then 0.0123. */
  private Path saved(Sequential net) throws IOException {
    Sgd sgd = new Sgd(net.namedParameters(), 0.1, 0.9, 1e-4);
    Losses.softmaxCrossEntropyLabels(net.forward(Tensor.randn(new Random(4), 5, 2)),
        Tensor.indices(new int[] {0, 1, 2, 0, 1})).backward();
    sgd.step();
    sgd.setLearningRate(0.0123);
    Path file = dir.resolve("checkpoint.safetensors");
    Checkpoint.save(file, net, sgd, 1);
    return file;
  }

  /** Writes {@code file} again with its metadata changed by {@code change}. */
  private static void rewriteMetadata(Path file, Consumer<Map<String, String>> change)
      throws IOException {
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, String> meta = new HashMap<>(f.metadata());
    change.accept(meta);
    SafeTensors.write(file, f.tensors(), meta);
  }

  /** The WARN lines Checkpoint logs while {@code action} runs. */
  private static List<String> warnings(TestLogs.Action action) {
    return TestLogs.messages(Checkpoint.class, Level.WARN, action);
  }

  @Test
  void theLearningRateIsRestoredAndTheSameSettingsSayNothing() throws IOException {
    Sequential net = net();
    Path file = saved(net);
    Sgd same = new Sgd(net.namedParameters(), 0.1, 0.9, 1e-4);
    List<String> warned = warnings(() -> Checkpoint.load(file).restoreOptimizer(same));
    assertEquals(0.0123, same.learningRate());
    assertEquals(List.of(), warned);
  }

  @Test
  void otherSettingsAreNamedInOneWarningAndKept() throws IOException {
    Sequential net = net();
    Path file = saved(net);
    Sgd other = new Sgd(net.namedParameters(), 0.5, 0.5, 0);
    List<String> warned = warnings(() -> Checkpoint.load(file).restoreOptimizer(other));
    assertEquals(List.of(file + ": the saved optimizer had other settings: momentum=0.9 (this"
        + " one 0.5), weightDecay=1.0E-4 (this one 0.0); sgd(lr=0.0123, momentum=0.5,"
        + " weightDecay=0.0) keeps its own, fixed when it was built (build it with the saved ones"
        + " to continue the same training)"), warned);
    assertEquals(0.0123, other.learningRate());
    assertEquals(Map.of("momentum", 0.5, "weightDecay", 0.0), other.settings());
  }

  @Test
  void aCheckpointWithoutTheSettingsRestoresAsBefore() throws IOException {
    Sequential net = net();
    Path file = saved(net);
    rewriteMetadata(file, meta ->
        meta.keySet().removeIf(k -> k.startsWith(Checkpoint.OPTIMIZER_SETTINGS_PREFIX)));
    Sgd other = new Sgd(net.namedParameters(), 0.5, 0.5, 0);
    assertEquals(List.of(), warnings(() -> Checkpoint.load(file).restoreOptimizer(other)));
    assertEquals(0.5, other.learningRate());
  }

  @Test
  void aBadSavedRateIsRefusedBeforeAnythingChanges() throws IOException {
    Sequential net = net();
    Path file = saved(net);
    rewriteMetadata(file, meta -> meta.put(Checkpoint.OPTIMIZER_SETTINGS_PREFIX + "lr", "-1"));
    Sgd sgd = new Sgd(net.namedParameters(), 0.5, 0.9, 1e-4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(file).restoreOptimizer(sgd));
    assertEquals(file + ": metadata optimizer_settings.lr='-1' is not a learning rate (a"
        + " positive finite number); pass a file written by Checkpoint.save", e.getMessage());
    assertEquals(0.5, sgd.learningRate());
  }

  /** The Trainer's resume: this run's rate and options win (its documented behaviour). */
  @Test
  void theTrainersResumeKeepsItsOwnRateAndSaysNothing() throws IOException {
    Sequential net = net();
    Path file = saved(net);
    Optimizer sgd = new Sgd(net.namedParameters(), 0.3, 0.5, 0);
    Trainer trainer = Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(sgd).train(DataLoader.builder(Blobs.make(20, 1)).batchSize(10).seed(1).build())
        .epochs(2).build();
    assertEquals(List.of(), warnings(() -> trainer.resumeFrom(file)));
    assertEquals(0.3, sgd.learningRate());
    assertEquals(1, trainer.completedEpochs());
  }
}
