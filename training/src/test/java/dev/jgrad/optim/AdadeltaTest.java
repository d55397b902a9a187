package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.trainfuzz.PlainCpu;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adadelta against PyTorch 2.13's {@code torch.optim.Adadelta} (CPU, float64): three steps of
 * {@code loss = sum(w * w * c) + 0.1 * sum(w^3)}, parameters and state, with and without weight
 * decay; the fused-SGD path's bits, a saved state resumed, and bad settings.
 */
class AdadeltaTest {
  private static final double[] W0 = {1.0, -2.0, 0.5, 3.0};
  private static final double[] C = {0.5, 1.5, -2.0, 0.25};

  private static Tensor train(Backend backend, DType dtype, double lr, double weightDecay,
      int steps, Adadelta[] out) {
    Tensor w = Tensor.wrap(backend, backend.upload(W0), Shape.of(4));
    w = (dtype == DType.FLOAT64 ? w : w.to(dtype)).requiresGrad(true);
    Tensor c = Tensor.of(C, dtype, 4).to(backend);
    Adadelta opt = new Adadelta(Map.of("w", w), lr, Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPS,
        weightDecay);
    for (int i = 0; i < steps; i++) {
      opt.zeroGrad();
      w.mul(w).mul(c).sum().add(w.pow(3).sum().mul(0.1)).backward();
      opt.step();
    }
    out[0] = opt;
    return w;
  }

  @Test
  void threeStepsMatchPyTorch() {
    Adadelta[] opt = new Adadelta[1];
    // torch.optim.Adadelta([w], lr=1.0): w, state['square_avg'], state['acc_delta']
    Tensor w = train(PlainCpu.withoutFusion(), DType.FLOAT64, 1.0, 0, 3, opt);
    assertArrayEquals(new double[] {0.990312871425686, -1.990298690006011, 0.5097390311898244,
        2.990301533264757}, w.toDoubleArray(), 1e-12);
    Map<String, Tensor> state = opt[0].state().tensors();
    assertArrayEquals(new double[] {0.4541600211298211, 6.227856227274964, 1.017480964097909,
        4.762607846249221}, state.get("square_avg.w").toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {2.833926767701826e-06, 2.842947448147556e-06,
        2.8670584393201786e-06, 2.8411368665016153e-06},
        state.get("acc_delta.w").toDoubleArray(), 1e-15);
  }

  @Test
  void weightDecayMatchesPyTorchs() {
    Adadelta[] opt = new Adadelta[1];
    // torch.optim.Adadelta([w], lr=0.5, weight_decay=0.1)
    Tensor w = train(PlainCpu.withoutFusion(), DType.FLOAT64, 0.5, 0.1, 3, opt);
    assertArrayEquals(new double[] {0.9951512713510319, -1.9951478140365229, 0.5048616461561822,
        2.9951484460457434}, w.toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {0.528963212385027, 6.7662115286140345, 0.9589979346308228,
        5.477769002284145}, opt[0].state().tensors().get("square_avg.w").toDoubleArray(), 1e-12);
  }

  @Test
  void theFusedSgdPathGivesThePrimitivesBits() {
    Adadelta[] opt = new Adadelta[1];
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      assertArrayEquals(train(PlainCpu.withoutFusion(), dtype, 1.0, 0.01, 4, opt).toDoubleArray(),
          train(dev.jgrad.api.Backends.byName("cpu"), dtype, 1.0, 0.01, 4, opt).toDoubleArray(),
          dtype.toString());
    }
  }

  @Test
  void aResumedRunContinuesExactly() {
    Adadelta[] first = new Adadelta[1];
    Tensor straight = train(PlainCpu.withoutFusion(), DType.FLOAT64, 1.0, 0, 3, first);
    Adadelta[] part = new Adadelta[1];
    Tensor w = train(PlainCpu.withoutFusion(), DType.FLOAT64, 1.0, 0, 2, part);
    Tensor c = Tensor.of(C, DType.FLOAT64, 4);
    Tensor resumedW = Tensor.of(w.toDoubleArray(), DType.FLOAT64, 4).requiresGrad(true);
    Adadelta resumed = new Adadelta(Map.of("w", resumedW), 1.0);
    resumed.loadState(part[0].state());
    resumedW.mul(resumedW).mul(c).sum().add(resumedW.pow(3).sum().mul(0.1)).backward();
    resumed.step();
    assertArrayEquals(straight.toDoubleArray(), resumedW.toDoubleArray(), 0);
    assertEquals("adadelta(lr=1.0, rho=0.9, eps=1.0E-6)", resumed.toString());
  }

  @Test
  void badSettingsAreNamed() {
    Map<String, Tensor> p = Map.of("w", Tensor.zeros(2).requiresGrad(true));
    IllegalArgumentException rho = assertThrows(IllegalArgumentException.class,
        () -> new Adadelta(p, 1.0, 1.5, 1e-6, 0));
    assertEquals("rho must be in [0, 1], got 1.5", rho.getMessage());
    IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
        () -> new Adadelta(p, 1.0, 0.9, 0, 0));
    assertEquals("eps must be positive and finite, got 0.0", eps.getMessage());
    IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
        () -> new Adadelta(p, -1));
    assertTrue(lr.getMessage().contains("learning rate"), lr.getMessage());
  }
}
