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
import dev.jgrad.trainfuzz.PlainCpu;
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
 * {@link FusedAdam}, {@link FusedAdamW}), one parameter at a time or all in one call, as through
 * the primitives: SGD's within rounding, Adam's bit for bit.
 */
class FusedUpdatePathTest {
  private static Backend withoutFusion() {
    return PlainCpu.withoutFusion();
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
   * The CPU backend as a {@link FusedSgd}, {@link FusedAdam} and {@link FusedAdamW} whose batch
   * updates (the interfaces' defaults, one single update per entry) are recorded as
   * "sgdUpdateAll(n entries, velocities or not)", "adamUpdateAll(n)" or "adamwUpdateAll(n)", and
   * each single update by its name.
   */
  private static Backend recording(List<String> calls) {
    Backend cpu = Backends.byName("cpu");
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, FusedSgd.class, FusedAdam.class, FusedAdamW.class},
        (p, m, args) -> {
          String name = m.getName();
          if (name.endsWith("UpdateAll")) {
            calls.add(name + "(" + ((List<?>) args[0]).size() + (!name.equals("sgdUpdateAll")
                ? "" : args[2] == null ? ", no velocities" : ", velocities") + ")");
            return InvocationHandler.invokeDefault(p, m, args);
          }
          if (name.endsWith("Update")) {
            calls.add(name);
          }
          try {
            return m.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** {@code step} repeated {@code times}. */
  private static List<String> repeated(int times, String... step) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      all.addAll(List.of(step));
    }
    return all;
  }

  /** On a GPU this is one launch per step instead of one per parameter. */
  @Test
  void sgdUpdatesAllParametersInOneCall() {
    for (double momentum : new double[] {0, 0.9}) {
      List<String> calls = new ArrayList<>();
      double[] got = train(recording(calls), DType.FLOAT32,
          p -> new Sgd(p, 0.05, momentum, 0.01));
      String all = "sgdUpdateAll(2, " + (momentum == 0 ? "no velocities" : "velocities") + ")";
      assertEquals(repeated(5, all, "sgdUpdate", "sgdUpdate"), calls, "momentum " + momentum);
      assertArrayEquals(train(Backends.byName("cpu"), DType.FLOAT32,
          p -> new Sgd(p, 0.05, momentum, 0.01)), got, "momentum " + momentum);
    }
  }

  /** Parameters of two dtypes share the call too (a GPU launches once per dtype). */
  @Test
  void sgdUpdatesParametersOfMixedDtypesInOneCall() {
    List<String> calls = new ArrayList<>();
    Backend recording = recording(calls);
    Tensor a = Tensor.zeros(3).to(recording).requiresGrad(true);
    Tensor b = Tensor.zeros(3).to(DType.FLOAT64).to(recording).requiresGrad(true);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("a", a);
    params.put("b", b);
    Optimizer opt = new Sgd(params, 0.5);
    a.sum().backward();
    b.sum().backward();
    opt.step();
    assertEquals(List.of("sgdUpdateAll(2, no velocities)", "sgdUpdate", "sgdUpdate"), calls);
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
   * Adam, AdamW and TorchAdam update every parameter in one call where the backend has the fused
   * update (on a GPU one launch instead of one per parameter), with L2 decay too, and take the
   * primitives' steps bit for bit (so the per-parameter fused updates' steps, which
   * {@link #fusedAndPrimitiveAdamUpdatesAgreeBitForBit} checks are the primitives').
   */
  @Test
  void adamAndAdamWUpdateAllParametersInOneCall() {
    Map<String, Function<Map<String, Tensor>, Optimizer>> optimizers = new LinkedHashMap<>();
    optimizers.put("adamUpdate", p -> new Adam(p, 0.01, 0.9, 0.999, 0));
    optimizers.put("adamUpdate with L2 decay", p -> new Adam(p, 0.01, 0.9, 0.999, 0.01));
    optimizers.put("adamwUpdate", p -> new AdamW(p, 0.01, 0.9, 0.999, 1e-8, 0.3));
    // PyTorch's Adam: AdamW's update without the decoupled decay, with L2 decay
    optimizers.put("adamwUpdate as TorchAdam", p -> new TorchAdam(p, 0.01, 0.3));
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      optimizers.forEach((what, optimizer) -> {
        List<String> calls = new ArrayList<>();
        double[] got = train(recording(calls), dtype, optimizer);
        String single = what.split(" ")[0];
        assertEquals(repeated(5, single + "All(2)", single, single), calls, what);
        assertArrayEquals(train(withoutFusion(), dtype, optimizer), got, what + ", " + dtype);
      });
    }
  }

  /**
   * Parameters share a call only where they share the step scalars (the same update count):
   * after a step without c's gradient, a and b go in one call and c alone; the primitives' bits.
   */
  @Test
  void adamBatchesOnlyParametersWithTheSameStepScalars() {
    for (boolean adamw : new boolean[] {false, true}) {
      List<String> calls = new ArrayList<>();
      String single = adamw ? "adamwUpdate" : "adamUpdate";
      double[] got = trainSkippingC(recording(calls), adamw);
      assertEquals(List.of(single + "All(2)", single, single, // c has no gradient
          single + "All(2)", single, single, single, // c's count is one behind
          single + "All(2)", single, single, single), calls);
      assertArrayEquals(trainSkippingC(withoutFusion(), adamw), got, single);
    }
  }

  /** Three steps of Adam or AdamW over a, b and c, c without a gradient in the first. */
  private static double[] trainSkippingC(Backend backend, boolean adamw) {
    Random r = new Random(11);
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (String name : List.of("a", "b", "c")) {
      params.put(name, Tensor.randn(r, 4, 3).to(backend).requiresGrad(true));
    }
    Optimizer opt = adamw ? new AdamW(params, 0.01) : new Adam(params, 0.01);
    for (int step = 0; step < 3; step++) {
      Tensor loss = params.get("a").tanh().sum().add(params.get("b").mul(params.get("b")).sum());
      if (step > 0) {
        loss = loss.add(params.get("c").exp().sum());
      }
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
    double[] all = new double[0];
    for (Tensor p : params.values()) {
      double[] v = p.toDoubleArray();
      int at = all.length;
      all = java.util.Arrays.copyOf(all, at + v.length);
      System.arraycopy(v, 0, all, at, v.length);
    }
    return all;
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

  /**
   * Two leaves over one buffer (a user's {@code Tensor.wrap} twice) are two parameters: each is
   * updated on its own, one after the other, as before batch calls, not handed to a batch call
   * that refuses a buffer written twice; the third parameter still goes in a batch.
   */
  @Test
  void twoParametersOverOneBufferAreUpdatedOneAfterTheOther() {
    for (Function<Map<String, Tensor>, Optimizer> make : List.<Function<Map<String, Tensor>,
        Optimizer>>of(p -> new Sgd(p, 0.1, 0.9, 0), p -> new Adam(p, 0.1),
            p -> new AdamW(p, 0.1))) {
      double[][] results = new double[2][];
      int run = 0;
      for (Backend backend : new Backend[] {withoutFusion(), Backends.byName("cpu")}) {
        dev.jgrad.api.DeviceBuffer shared = backend.upload(new float[] {1, 2});
        Tensor a = Tensor.wrap(backend, shared, dev.jgrad.api.Shape.of(2)).requiresGrad(true);
        Tensor b = Tensor.wrap(backend, shared, dev.jgrad.api.Shape.of(2)).requiresGrad(true);
        Tensor c = Tensor.of(new float[] {3, 4}, 2).to(backend).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        params.put("c", c);
        Optimizer opt = make.apply(params);
        for (int step = 0; step < 3; step++) {
          a.mul(2).add(b.mul(3)).add(c.mul(c)).sum().backward();
          opt.step();
          opt.zeroGrad();
        }
        results[run++] = new double[] {a.toDoubleArray()[0], a.toDoubleArray()[1],
            c.toDoubleArray()[0], c.toDoubleArray()[1]};
      }
      assertArrayEquals(results[0], results[1], 1e-6, make.apply(Map.of("x",
          Tensor.zeros(1).requiresGrad(true))).toString());
    }
  }
}
