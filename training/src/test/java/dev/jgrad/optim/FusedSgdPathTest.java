package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.autograd.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SGD takes the same steps through a backend's fused update as through the primitives. */
class FusedSgdPathTest {
  /** The CPU backend seen only through {@link Backend}, so SGD must use the primitives. */
  private static Backend withoutFusion() {
    Backend cpu = Backends.byName("cpu");
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, args) -> {
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static double[] train(Backend backend, double momentum, double weightDecay) {
    Random r = new Random(7);
    Tensor w = Tensor.randn(r, 5, 3).to(backend).requiresGrad(true);
    Tensor x = Tensor.randn(r, 4, 5).to(backend);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("w", w);
    Sgd sgd = new Sgd(params, 0.05, momentum, weightDecay);
    for (int i = 0; i < 5; i++) {
      x.matmul(w).tanh().sum().backward();
      sgd.step();
      sgd.zeroGrad();
    }
    return w.toDoubleArray();
  }

  @Test
  void fusedAndPrimitiveUpdatesAgree() {
    Backend plain = withoutFusion();
    assertFalse(plain instanceof FusedSgd);
    assertTrue(Backends.byName("cpu") instanceof FusedSgd);
    for (double[] mw : new double[][] {{0, 0}, {0.9, 0}, {0, 0.01}, {0.9, 0.01}}) {
      assertArrayEquals(train(plain, mw[0], mw[1]), train(Backends.byName("cpu"), mw[0], mw[1]),
          1e-6, "momentum " + mw[0] + ", weight decay " + mw[1]);
    }
  }
}
