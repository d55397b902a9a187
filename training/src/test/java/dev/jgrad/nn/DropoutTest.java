package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DropoutTest {
  private static Tensor input(int seed) {
    double[] v = new double[40 * 25];
    Random r = new Random(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = 1 + r.nextDouble(); // nonzero, so a zero output means dropped
    }
    return Tensor.of(v, DType.FLOAT64, 40, 25);
  }

  @Test
  void trainingDropsAndScalesTheGradientIsGTimesTheMask() {
    double p = 0.4;
    Dropout d = new Dropout(p, 17L);
    Tensor x = input(1).requiresGrad(true);
    Tensor g = input(2);
    Tensor y = d.forward(x);
    y.mul(g).sum().backward();
    double[] xs = x.toDoubleArray();
    double[] ys = y.toDoubleArray();
    double[] gs = g.toDoubleArray();
    double[] dx = x.grad().toDoubleArray();
    int dropped = 0;
    for (int i = 0; i < xs.length; i++) {
      double mask = ys[i] == 0 ? 0 : 1 / (1 - p);
      dropped += ys[i] == 0 ? 1 : 0;
      assertEquals(xs[i] * mask, ys[i], 1e-12, "output " + i);
      assertEquals(gs[i] * mask, dx[i], 1e-12, "gradient " + i);
    }
    assertTrue(dropped > 300 && dropped < 500, dropped + " of 1000 dropped at p = 0.4");
  }

  @Test
  void evalModeAndZeroRateAreTheIdentity() {
    Tensor x = input(3);
    Dropout d = new Dropout(0.5, 1L);
    d.eval();
    assertSame(x, d.forward(x));
    assertEquals(0, d.counter(), "eval mode drew a mask");
    assertSame(x, new Dropout(0.0, 1L).forward(x));
  }

  @Test
  void eachCallDrawsANewMaskAndTheSameSeedTheSameSequence() {
    Tensor x = input(4);
    Random r1 = new Random(42);
    Random r2 = new Random(42);
    Dropout a = new Dropout(0.5, r1);
    Dropout b = new Dropout(0.5, r2);
    assertEquals(a.seed(), b.seed());
    double[] a1 = a.forward(x).toDoubleArray();
    double[] a2 = a.forward(x).toDoubleArray();
    assertEquals(2, a.counter());
    assertFalse(Arrays.equals(a1, a2), "two calls gave one mask");
    assertArrayEquals(a1, b.forward(x).toDoubleArray());
    assertArrayEquals(a2, b.forward(x).toDoubleArray());
    b.setCounter(1);
    assertArrayEquals(a2, b.forward(x).toDoubleArray(), "setCounter did not rewind");
  }

  @Test
  void aBadRateIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Dropout(1.0, 1L));
    assertTrue(e.getMessage().startsWith("Dropout: drop probability p must be in [0, 1), got 1.0"),
        e.getMessage());
  }

  @Test
  void sequentialSwitchesItsDropoutOff() {
    Random r = new Random(5);
    Sequential net = new Sequential(new Linear(25, 8, Init.he(), r), new ReLU(),
        new Dropout(0.5, r), new Linear(8, 3, Init.he(), r));
    Tensor x = input(6).to(DType.FLOAT32);
    net.eval();
    double[] first = net.forward(x).toDoubleArray();
    assertArrayEquals(first, net.forward(x).toDoubleArray(), "eval mode is not deterministic");
    net.train();
    assertFalse(Arrays.equals(first, net.forward(x).toDoubleArray()), "train mode dropped nothing");
    assertEquals("Sequential(Linear(25 -> 8), ReLU, Dropout(p=0.5), Linear(8 -> 3))",
        net.toString());
  }

  @Test
  void aCounterOutsideItsRangeIsRefusedAndSetCounterContinuesASequence() {
    Dropout d = new Dropout(0.5, 9);
    for (long bad : new long[] {-1, 1L << 53}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> d.setCounter(bad));
      assertEquals("Dropout.setCounter: the mask counter must be in [0, 2^53), got " + bad,
          e.getMessage());
    }
    Tensor x = input(5);
    Dropout first = new Dropout(0.5, 9);
    first.forward(x);
    double[] second = first.forward(x).toDoubleArray();
    d.setCounter(1);
    assertArrayEquals(second, d.forward(x).toDoubleArray(), "counter 1 gives the second mask");
    assertEquals(2, d.counter());
  }
}
