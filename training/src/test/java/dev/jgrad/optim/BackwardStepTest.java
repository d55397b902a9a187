package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedProductSgd;
import dev.jgrad.autograd.Losses;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.nn.Activation;
import dev.jgrad.nn.Mlp;
import dev.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#backwardStep} takes the same steps as {@code backward(); step()}, bit for bit:
 * SGD with its weights' updates inside the backward pass (on the CPU, where the own float kernel
 * runs them: the weights then have no gradient, the biases do), and every optimizer that has no
 * such path (Adam), a weight used twice, a gradient accumulated before the call.
 */
class BackwardStepTest {
  private static final int STEPS = 3;

  /** Whether the CPU backend fuses a dense float product's SGD here (the own kernel runs). */
  private static boolean cpuFuses() {
    Backend cpu = Backends.byName("cpu");
    if (!(cpu instanceof FusedProductSgd fused)) {
      return false;
    }
    DeviceBuffer a = cpu.upload(new float[] {1, 2, 3, 4});
    DeviceBuffer b = cpu.upload(new float[] {5, 6, 7, 8});
    return fused.sgdUpdateFromProduct(a, false, b, false, 2, 2, 2, cpu.upload(new float[4]),
        null, 0.1, 0, 0);
  }

  private static Module mlp() {
    return Mlp.builder().input(30).hidden(40).hidden(20).output(10)
        .activation(Activation.RELU).seed(3).build();
  }

  /** Dense inputs (no sparse kernel) and labels for {@link #STEPS} batches of 16. */
  private static List<Tensor[]> batches() {
    Random r = new Random(5);
    List<Tensor[]> out = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      int[] labels = new int[16];
      for (int j = 0; j < labels.length; j++) {
        labels[j] = r.nextInt(10);
      }
      out.add(new Tensor[] {Tensor.randn(r, 16, 30), Tensor.indices(labels)});
    }
    return out;
  }

  /** The parameters' bits after each step, trained the two-call way or with backwardStep. */
  private static List<int[]> train(Function<Map<String, Tensor>, Optimizer> make, boolean fused,
      List<String> withoutGradient) {
    Module model = mlp();
    Optimizer opt = make.apply(model.namedParameters());
    List<int[]> after = new ArrayList<>();
    for (Tensor[] batch : batches()) {
      Tensor loss = Losses.softmaxCrossEntropyLabels(model.forward(batch[0]), batch[1]);
      if (fused) {
        opt.backwardStep(loss);
        model.namedParameters().forEach((name, p) -> {
          if (p.grad() == null) {
            withoutGradient.add(name);
          }
        });
      } else {
        loss.backward();
        opt.step();
      }
      opt.zeroGrad();
      after.add(bits(model));
    }
    return after;
  }

  private static int[] bits(Module model) {
    List<Integer> all = new ArrayList<>();
    for (Tensor p : model.namedParameters().values()) {
      for (float f : p.toFloatArray()) {
        all.add(Float.floatToIntBits(f));
      }
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void sameSteps(Function<Map<String, Tensor>, Optimizer> make,
      List<String> withoutGradient) {
    List<int[]> twoCalls = train(make, false, new ArrayList<>());
    List<int[]> oneCall = train(make, true, withoutGradient);
    for (int i = 0; i < STEPS; i++) {
      assertArrayEquals(twoCalls.get(i), oneCall.get(i), "after step " + (i + 1));
    }
  }

  @Test
  void sgdUpdatesTheWeightsInsideThePassWithTheSameBits() {
    assumeTrue(cpuFuses(), "the CPU backend does not fuse SGD into products on this machine");
    for (Function<Map<String, Tensor>, Optimizer> make : List.<Function<Map<String, Tensor>,
        Optimizer>>of(p -> new Sgd(p, 0.1), p -> new Sgd(p, 0.05, 0.9, 1e-3))) {
      List<String> withoutGradient = new ArrayList<>();
      sameSteps(make, withoutGradient);
      // every weight, every step; the biases' gradients are sums, left to step()
      assertEquals(List.of("fc1.weight", "fc2.weight", "fc3.weight").size() * STEPS,
          withoutGradient.size(), "weights updated in the pass: " + withoutGradient);
      withoutGradient.forEach(name -> assertEquals("weight", name.substring(name.indexOf('.') + 1),
          name));
    }
  }

  @Test
  void optimizersWithoutAnInPassUpdateTakeTheSameStepsToo() {
    List<String> withoutGradient = new ArrayList<>();
    sameSteps(p -> new Adam(p, 0.001), withoutGradient);
    assertEquals(List.of(), withoutGradient);
    sameSteps(p -> new Momentum(p, 0.01, 0.9), withoutGradient);
    assertEquals(List.of(), withoutGradient);
  }

  @Test
  void aWeightUsedTwiceOrWithAnAccumulatedGradientIsUpdatedByStep() {
    Random r = new Random(9);
    Tensor x = Tensor.randn(r, 4, 6);
    Tensor[] w = new Tensor[2];
    int[][] bits = new int[2][];
    for (int way = 0; way < 2; way++) {
      w[way] = Tensor.randn(new Random(11), 6, 6).requiresGrad(true);
      Optimizer opt = new Sgd(Map.of("w", w[way]), 0.1);
      Tensor loss = x.matmul(w[way]).matmul(w[way]).sum();
      if (way == 0) {
        loss.backward();
        opt.step();
      } else {
        opt.backwardStep(loss);
        assertNotNull(w[way].grad(), "used twice: its gradient is a sum of two");
      }
      bits[way] = floatBits(w[way]);
    }
    assertArrayEquals(bits[0], bits[1]);

    Tensor a = Tensor.randn(new Random(13), 6, 3).requiresGrad(true);
    Tensor b = Tensor.randn(new Random(13), 6, 3).requiresGrad(true);
    Optimizer optA = new Sgd(Map.of("w", a), 0.1);
    Optimizer optB = new Sgd(Map.of("w", b), 0.1);
    x.matmul(a).sum().backward();
    x.matmul(a).sum().backward();
    optA.step();
    x.matmul(b).sum().backward(); // accumulated before the call: the update must include it
    optB.backwardStep(x.matmul(b).sum());
    assertNotNull(b.grad());
    assertArrayEquals(floatBits(a), floatBits(b));
  }

  private static int[] floatBits(Tensor t) {
    float[] f = t.toFloatArray();
    int[] out = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Float.floatToIntBits(f[i]);
    }
    return out;
  }

  @Test
  void doublesTakeTheUsualPath() {
    Tensor w = Tensor.randn(new Random(17), DType.FLOAT64, 5, 4).requiresGrad(true);
    Optimizer opt = new Sgd(Map.of("w", w), 0.1);
    opt.backwardStep(Tensor.randn(new Random(19), DType.FLOAT64, 3, 5).matmul(w).sum());
    assertNotNull(w.grad(), "FLOAT64 is not fused on the CPU");
  }
}
