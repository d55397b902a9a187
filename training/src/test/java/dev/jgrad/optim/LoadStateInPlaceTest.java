package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loading a state overwrites existing slots in place: whatever holds a slot's buffer (a captured
 * CUDA graph replays into it) then sees the loaded values, not a buffer the optimizer dropped.
 */
class LoadStateInPlaceTest {
  @Test
  void anExistingSlotKeepsItsBufferAndGetsTheLoadedValues() {
    Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    w.mul(3).sum().backward();
    Sgd sgd = new Sgd(Map.of("w", w), 0.1, 0.9, 0);
    sgd.step(); // creates the slot v.w
    DeviceBuffer slot = sgd.state().tensors().get("v.w").buffer();
    sgd.loadState(new OptimizerState("sgd", Map.of("v.w", Tensor.of(new float[] {7, 8}, 2)),
        Map.of()));
    Tensor after = sgd.state().tensors().get("v.w");
    assertSame(slot, after.buffer(), "the same buffer");
    assertArrayEquals(new double[] {7, 8}, after.toDoubleArray());
  }
}
