package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Losses;
import dev.jgrad.data.DataLoader;
import dev.jgrad.nn.Sequential;
import dev.jgrad.optim.Momentum;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Trainer.Builder.checkpointMetadata}: an application's own entries in its checkpoints. */
class CheckpointMetadataTest {
  @TempDir
  Path dir;

  private static Trainer.Builder trainer() {
    Sequential net = TrainerTest.net();
    return Trainer.builder().model(net).loss(Losses::softmaxCrossEntropyLabels)
        .optimizer(new Momentum(net.namedParameters(), 0.05))
        .train(DataLoader.builder(Blobs.make(200, 1)).batchSize(32).seed(11).build())
        .validation(Blobs.make(60, 2)).epochs(2).earlyStopping(3);
  }

  @Test
  void bothCheckpointsKeepTheEntriesBesideTheTrainersOwn() throws IOException {
    Path checkpoint = dir.resolve("checkpoint.safetensors");
    Path best = dir.resolve("best.safetensors");
    Map<String, String> options = new HashMap<>(Map.of("app.options", "lr=0.05\nbatch=32"));
    Trainer.Builder b = trainer().checkpointMetadata(options).checkpointTo(checkpoint)
        .bestCheckpointTo(best);
    Trainer t = b.build();
    options.put("app.options", "changed"); // neither the caller's map nor the builder, later,
    b.checkpointMetadata(Map.of("app.options", "later")); // change the built trainer's
    t.fit();
    for (Path file : new Path[] {checkpoint, best}) {
      Map<String, String> saved = Checkpoint.load(file).metadata();
      assertEquals("lr=0.05\nbatch=32", saved.get("app.options"), file.toString());
      assertTrue(saved.containsKey(HistoryMetadata.KEY), file.toString());
      assertTrue(saved.containsKey(HistoryMetadata.HELD_OUT_KEY), file.toString());
    }
    assertEquals("best.safetensors", Checkpoint.load(checkpoint).metadata().get(ResumedBest.KEY));
    // and a resumed trainer reads its run's checkpoint as before
    assertEquals(2, trainer().build().resumeFrom(checkpoint).completedEpochs());
  }

  @Test
  void aKeyTheTrainerOrTheCheckpointWritesIsRefusedAtOnce() {
    IllegalArgumentException history = assertThrows(IllegalArgumentException.class,
        () -> trainer().checkpointMetadata(Map.of("history", "x")));
    assertEquals("metadata key 'history' is one the trainer writes itself (history, held_out, "
        + "best_checkpoint); rename it", history.getMessage());
    IllegalArgumentException epoch = assertThrows(IllegalArgumentException.class,
        () -> trainer().checkpointMetadata(Map.of("epoch", "3")));
    assertTrue(epoch.getMessage().startsWith("metadata key 'epoch' is one the checkpoint writes "
        + "itself"), epoch.getMessage());
    Map<String, String> withNull = new HashMap<>();
    withNull.put("app", null);
    IllegalArgumentException nullValue = assertThrows(IllegalArgumentException.class,
        () -> trainer().checkpointMetadata(withNull));
    assertEquals("checkpoint metadata app=null: neither key nor value may be null",
        nullValue.getMessage());
  }
}
