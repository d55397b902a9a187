package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.autograd.Tensor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The optimizers take the same steps through a backend's fused updates ({@link FusedSgd},
 * {@link FusedAdam}) as through the primitives: SGD's within rounding, Adam's bit for bit.
 */
class FusedUpdatePathTest {
  /** The CPU backend seen only through {@link Backend}, so optimizers must use the primitives. */
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

  /**
   * A few steps of {@code optimizer} on a small tanh layer and a large one (600 x 500, so that
   * the fused loops split over the threads); the parameters after them, flattened.
   */
  private static double[] train(Backend backend, DType dtype,
      Function<Map<String, Tensor>, Optimizer> optimizer) {
    Random r = new Random(7);
    Map<String, Tensor> params = new LinkedHashMap<>();
    Tensor w = Tensor.randn(r, 5, 3).to(dtype).to(backend).requiresGrad(true);
    Tensor big = Tensor.randn(r, 600, 500).mul(0.05).to(dtype).to(backend).requiresGrad(true);
    params.put("w", w);
    params.put("big", big);
    Tensor x = Tensor.randn(r, 4, 5).to(dtype).to(backend);
    Tensor y = Tensor.randn(r, 4, 600).to(dtype).to(backend);
    Optimizer opt = optimizer.apply(params);
    for (int i = 0; i < 5; i++) {
      x.matmul(w).tanh().sum().add(y.matmul(big).tanh().sum()).backward();
      opt.step();
      opt.zeroGrad();
    }
    double[] a = w.toDoubleArray();
    double[] b = big.toDoubleArray();
    double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void fusedAndPrimitiveSgdUpdatesAgree() {
    Backend plain = withoutFusion();
    assertFalse(plain instanceof FusedSgd);
    assertTrue(Backends.byName("cpu") instanceof FusedSgd);
    for (double[] mw : new double[][] {{0, 0}, {0.9, 0}, {0, 0.01}, {0.9, 0.01}}) {
      Function<Map<String, Tensor>, Optimizer> sgd = p -> new Sgd(p, 0.05, mw[0], mw[1]);
      assertArrayEquals(train(plain, DType.FLOAT32, sgd),
          train(Backends.byName("cpu"), DType.FLOAT32, sgd), 1e-6,
          "momentum " + mw[0] + ", weight decay " + mw[1]);
    }
  }

  /**
   * The CPU backend as a {@link FusedSgd} whose {@link FusedSgd#sgdUpdateAll} (the interface's
   * default, one sgdUpdate per entry) is recorded as "all(n entries, velocities or not)" and each
   * sgdUpdate as "one".
   */
  private static Backend recordingSgd(List<String> calls) {
    Backend cpu = Backends.byName("cpu");
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, FusedSgd.class}, (p, m, args) -> {
          if (m.getName().equals("sgdUpdateAll")) {
            calls.add("all(" + ((List<?>) args[0]).size() + ", "
                + (args[2] == null ? "no velocities" : "velocities") + ")");
            return InvocationHandler.invokeDefault(p, m, args);
          }
          if (m.getName().equals("sgdUpdate")) {
            calls.add("one");
          }
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** On a GPU this is one launch per step instead of one per parameter. */
  @Test
  void sgdUpdatesAllParametersInOneCall() {
    for (double momentum : new double[] {0, 0.9}) {
      List<String> calls = new ArrayList<>();
      Backend recording = recordingSgd(calls);
      double[] got = train(recording, DType.FLOAT32, p -> new Sgd(p, 0.05, momentum, 0.01));
      String all = "all(2, " + (momentum == 0 ? "no velocities" : "velocities") + ")";
      List<String> step = List.of(all, "one", "one");
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        want.addAll(step);
      }
      assertEquals(want, calls, "momentum " + momentum);
      assertArrayEquals(train(Backends.byName("cpu"), DType.FLOAT32,
          p -> new Sgd(p, 0.05, momentum, 0.01)), got, "momentum " + momentum);
    }
  }

  /** Parameters of two dtypes share the call too (a GPU launches once per dtype). */
  @Test
  void sgdUpdatesParametersOfMixedDtypesInOneCall() {
    List<String> calls = new ArrayList<>();
    Backend recording = recordingSgd(calls);
    Tensor a = Tensor.zeros(3).to(recording).requiresGrad(true);
    Tensor b = Tensor.zeros(3).to(DType.FLOAT64).to(recording).requiresGrad(true);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("a", a);
    params.put("b", b);
    Optimizer opt = new Sgd(params, 0.5);
    a.sum().backward();
    b.sum().backward();
    opt.step();
    assertEquals(List.of("all(2, no velocities)", "one", "one"), calls);
    assertArrayEquals(new double[] {-0.5, -0.5, -0.5}, a.toDoubleArray());
    assertArrayEquals(new double[] {-0.5, -0.5, -0.5}, b.toDoubleArray());
  }

  @Test
  void fusedAndPrimitiveAdamUpdatesAgreeBitForBit() {
    Backend plain = withoutFusion();
    assertFalse(plain instanceof FusedAdam);
    assertTrue(Backends.byName("cpu") instanceof FusedAdam);
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (double decay : new double[] {0, 0.01}) {
        Function<Map<String, Tensor>, Optimizer> adam = p -> new Adam(p, 0.01, 0.9, 0.999, decay);
        assertArrayEquals(train(plain, dtype, adam), train(Backends.byName("cpu"), dtype, adam),
            dtype + ", weight decay " + decay);
      }
    }
  }

  /**
   * AdamW through FusedAdamW is the primitives' path bit for bit: with and without decay, in
   * both dtypes (decay 0 multiplies by exactly 1, which the primitives skip).
   */
  @Test
  void fusedAndPrimitiveAdamWUpdatesAgreeBitForBit() {
    Backend plain = withoutFusion();
    assertFalse(plain instanceof FusedAdamW);
    assertTrue(Backends.byName("cpu") instanceof FusedAdamW);
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (double decay : new double[] {0, 0.01, 0.3}) {
        Function<Map<String, Tensor>, Optimizer> adamw = p -> new AdamW(p, 0.01, 0.9, 0.999,
            1e-8, decay);
        assertArrayEquals(train(plain, dtype, adamw), train(Backends.byName("cpu"), dtype, adamw),
            dtype + ", weight decay " + decay);
      }
    }
  }

  /**
   * The book's Momentum, AdaGrad and RMSprop end in the fused SGD pass where the backend has one
   * ({@link ParameterOptimizer#subtractRateTimes}): the scalar passes' bits, in both dtypes, with
   * and without L2 decay.
   */
  @Test
  void theBooksOptimizersTakeThePrimitivesStepsBitForBitThroughFusedSgd() {
    Backend plain = withoutFusion();
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      for (double decay : new double[] {0, 0.01}) {
        Map<String, Function<Map<String, Tensor>, Optimizer>> optimizers = Map.of(
            "momentum", p -> new Momentum(p, 0.05, 0.9, decay),
            "adagrad", p -> new AdaGrad(p, 0.05, decay),
            "rmsprop", p -> new RmsProp(p, 0.01, 0.9, decay));
        optimizers.forEach((name, optimizer) -> assertArrayEquals(
            train(plain, dtype, optimizer), train(Backends.byName("cpu"), dtype, optimizer),
            name + ", " + dtype + ", weight decay " + decay));
      }
    }
  }
}
