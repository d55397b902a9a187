package dev.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jgrad.api.Backend;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.optim.Sgd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SGD's captured steps read the learning rate from a buffer filled before each launch, on a
 * backend that replays only the recorded calls ({@link RecordingCaptureBackend}): a rate changed
 * between launches is followed, and SGD may step twice in one captured step (its host work writes
 * the same rate for both).
 */
class SgdCaptureTest {
  private static void twoSteps(Tensor w, Sgd sgd) {
    for (int i = 0; i < 2; i++) {
      w.mul(w).sum().backward();
      sgd.step();
      w.zeroGrad();
    }
  }

  @Test
  void aCapturedStepOfTwoUpdatesFollowsTheRateSetBetweenLaunches() {
    Tensor eager = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
    Sgd eagerSgd = new Sgd(Map.of("w", eager), 0.1, 0.9, 0);
    RecordingCaptureBackend recording = new RecordingCaptureBackend();
    Backend backend = recording.backend();
    Tensor w = Tensor.of(new float[] {1, -2, 3}, 3).to(backend).requiresGrad(true);
    Sgd sgd = new Sgd(Map.of("w", w), 0.1, 0.9, 0);
    twoSteps(eager, eagerSgd);
    twoSteps(w, sgd); // eagerly: the velocity and the rate buffer are made
    try (GraphCapture.Replay replay = ((GraphCapture) backend).capture(() -> twoSteps(w, sgd))) {
      for (double rate : new double[] {0.05, 0.2, 0.2}) {
        eagerSgd.setLearningRate(rate);
        twoSteps(eager, eagerSgd);
        sgd.setLearningRate(rate);
        replay.launch();
      }
    }
    assertEquals(1, recording.events.size(), recording.events.toString());
    assertArrayEquals(eager.toDoubleArray(), w.toDoubleArray());
  }
}
