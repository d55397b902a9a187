package dev.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link TorchAdam} takes {@code torch.optim.Adam}'s steps. The expected weights are PyTorch
 * 2.13's (CPU, FLOAT32) after five steps on w and b with the gradients below (the loss
 * {@code sum(w * gw) + sum(b * gb)}, so each step's gradient is exact in both), printed by:
 *
 * <pre>
 * w = torch.tensor(W0, requires_grad=True); b = torch.tensor(B0, requires_grad=True)
 * opt = torch.optim.Adam([w, b], lr=lr, **kw)
 * for gw, gb in zip(GW, GB):
 *     opt.zero_grad(); ((w * torch.tensor(gw)).sum() + (b * torch.tensor(gb)).sum()).backward()
 *     opt.step()
 * </pre>
 */
class TorchAdamTest {
  private static final float[] W0 = {0.02f, -0.5f, 1.5f, 3.0f};
  private static final float[] B0 = {0.02f, -0.02f};
  /** Gradients near eps (1e-6) and far above it, changing sign between steps. */
  private static final float[][] GW = {{1e-6f, 1e-3f, 1.0f, -2.0f}, {-2e-6f, 5e-4f, 0.5f, 1.0f},
      {3e-6f, -1e-3f, 2.0f, -0.25f}, {1e-7f, 2e-3f, -1.0f, 0.5f}, {-1e-6f, 1e-3f, 0.25f, -3.0f}};
  private static final float[][] GB = {{1e-7f, 0.1f}, {2e-7f, -0.2f}, {0.0f, 0.05f},
      {-1e-7f, 0.3f}, {5e-8f, -0.1f}};
  /**
   * How far from PyTorch's float a weight may be: its float rounding (PyTorch's CPU kernels fuse
   * some multiply-adds), 4 ulps of the weight; the book's Adam misses by 1e-5 to 5e-3.
   */
  private static final int ULPS = 4;

  private Tensor w;
  private Tensor b;

  private Map<String, Tensor> params() {
    w = Tensor.of(W0.clone(), 4).requiresGrad(true);
    b = Tensor.of(B0.clone(), 2).requiresGrad(true);
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("w", w);
    p.put("b", b);
    return p;
  }

  private void step(Optimizer opt, int k) {
    opt.zeroGrad();
    w.mul(Tensor.of(GW[k], 4)).sum().add(b.mul(Tensor.of(GB[k], 2)).sum()).backward();
    opt.step();
  }

  private void fiveStepsMatch(Function<Map<String, Tensor>, Optimizer> make, float[] torchW,
      float[] torchB, String what) {
    Optimizer opt = make.apply(params());
    for (int k = 0; k < GW.length; k++) {
      step(opt, k);
    }
    assertClose(torchW, w.toFloatArray(), what + ", w");
    assertClose(torchB, b.toFloatArray(), what + ", b");
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      float tolerance = ULPS * Math.ulp(expected[i]);
      assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
    }
  }

  @Test
  void withoutWeightDecayItIsPyTorchsAdam() {
    fiveStepsMatch(p -> new TorchAdam(p, 0.002),
        new float[] {0.017272762954235077f, -0.5063455104827881f, 1.4925525188446045f,
            3.004234790802002f},
        new float[] {0.0137015450745821f, -0.022146964445710182f}, "Adam(lr=0.002)");
  }

  /** The user trial's case: L2 decay 1e-4 added to the gradient, eps inside. */
  @Test
  void withWeightDecayItIsPyTorchsAdam() {
    float[] torchW = {0.012221342884004116f, -0.506097137928009f, 1.4925520420074463f,
        3.0042335987091064f};
    float[] torchB = {0.010258316062390804f, -0.022146867588162422f};
    fiveStepsMatch(p -> new TorchAdam(p, 0.002, 1e-4), torchW, torchB,
        "Adam(lr=0.002, weight_decay=1e-4)");
    fiveStepsMatch(p -> OptimizerKind.TORCH_ADAM.create(p, 0.002, 1e-4), torchW, torchB,
        "OptimizerKind.TORCH_ADAM");
    // the book's Adam is another optimizer: it misses PyTorch's weights by far more than rounding
    assertThrows(AssertionError.class, () -> fiveStepsMatch(
        p -> new Adam(p, 0.002, 0.9, 0.999, 1e-4), torchW, torchB, "the book's Adam"));
  }

  @Test
  void everySettingIsPyTorchs() {
    fiveStepsMatch(p -> new TorchAdam(p, 0.01, 0.8, 0.99, 1e-6, 0.1),
        new float[] {-0.009274899028241634f, -0.45019230246543884f, 1.4616575241088867f,
            3.0116655826568604f},
        new float[] {-0.009268161840736866f, -0.030374102294445038f},
        "Adam(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)");
  }

  @Test
  void itsKindIsTorchAdamEverywhere() {
    TorchAdam opt = new TorchAdam(params(), 0.002, 1e-4);
    assertEquals("torch-adam", opt.state().kind());
    assertEquals("torch-adam(lr=0.002, beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=1.0E-4)",
        opt.toString());
    assertEquals(OptimizerKind.TORCH_ADAM, OptimizerKind.parse("torch-adam"));
    assertEquals(OptimizerKind.TORCH_ADAM, OptimizerKind.parse("Torch_Adam"));
    assertEquals("torch-adam", OptimizerKind.TORCH_ADAM.cliName());
    assertTrue(OptimizerKind.TORCH_ADAM.create(params(), 0.002) instanceof TorchAdam);
  }

  /**
   * A state saved by TorchAdam resumes exactly, and is refused by the book's Adam and by AdamW
   * (and theirs by TorchAdam): the checkpoint names the variant, so a resume never switches.
   */
  @Test
  void itsStateResumesExactlyAndIntoNoOtherAdam() {
    TorchAdam a = new TorchAdam(params(), 0.002, 1e-4);
    Tensor wa = w;
    Tensor ba = b;
    step(a, 0);
    step(a, 1);
    TorchAdam resumed = new TorchAdam(params(), 0.002, 1e-4);
    w.assign(wa);
    b.assign(ba);
    resumed.loadState(a.state());
    step(resumed, 2);
    float[] continued = w.toFloatArray();
    w = wa;
    b = ba;
    step(a, 2);
    assertEquals(java.util.Arrays.toString(wa.toFloatArray()),
        java.util.Arrays.toString(continued));
    assertEquals(Map.of("t", "3", "t.w", "3", "t.b", "3"), resumed.state().values());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Adam(params(), 0.002).loadState(a.state()));
    assertTrue(e.getMessage().contains("'torch-adam'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new AdamW(params(), 0.002).loadState(a.state()));
    assertThrows(IllegalArgumentException.class,
        () -> new TorchAdam(params(), 0.002).loadState(new Adam(params(), 0.002).state()));
  }

  @Test
  void badSettingsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TorchAdam(params(), 0.002, 0.9, 0.999, 0, 0));
    assertEquals("eps must be positive and finite, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TorchAdam(params(), 0.002, -1));
    assertEquals("weight decay must be >= 0 and finite, got -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new TorchAdam(params(), 0.002, 1, 0.999, 1e-8, 0));
    assertEquals("beta1 must be in [0, 1), got 1.0", e.getMessage());
  }
}
