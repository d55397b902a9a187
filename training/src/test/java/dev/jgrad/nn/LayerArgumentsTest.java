package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.autograd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad layer arguments are one clear error at the layer, not a failure deep inside. */
class LayerArgumentsTest {
  /** A service's null request is one line saying what to pass, not an NPE deep in a layer. */
  @Test
  void aNullBatchIsNamed() {
    Sequential model = new Sequential(new Unflatten(1, 28, 28), new Flatten());
    NullPointerException e = assertThrows(NullPointerException.class, () -> model.forward(null));
    assertEquals("Sequential.forward(null): pass the batch to compute, a tensor [batch, ...]",
        e.getMessage());
  }

  @Test
  void aConvolutionTooLargeForOneTensorSaysSo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Conv2d(1, 1, 46_341, 1, 0, new Random(1)));
    assertEquals("Conv2d(in=1, out=1, kernel 46341x46341) has 2147488281 weights, more than one "
        + "tensor holds (2147483647); use fewer channels or a smaller kernel", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Conv2d(65_536, 65_536, 1, 1, 0, new Random(1)));
  }

  @Test
  void aPaddingBeyondAnIntSaysSo() {
    Conv2d c = new Conv2d(1, 1, 3, 1, 1_500_000_000, new Random(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(Tensor.zeros(1, 1, 3, 3)));
    assertEquals("Conv2d(1 -> 1, 3x3, stride 1x1, padding 1500000000x1500000000): "
        + "jgrad::conv2d: padding [1500000000, 1500000000] makes the padded input "
        + "3000000003x3000000003 (input [1, 1, 3, 3]), larger than a tensor dimension can be "
        + "(2147483647); use a smaller padding", e.getMessage());
  }

  @Test
  void anInitGivingNaNIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Linear(2, 2, (fanIn, fanOut) -> Double.NaN, new Random(1)));
    assertEquals("must be finite and at least 0", e.getMessage().substring(
        e.getMessage().indexOf("must")));
  }

  @Test
  void anActivationOpMustBeQualified() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OpActivation("swish"));
    assertEquals("op 'swish' is not a qualified name namespace::op (e.g. swish::swish)",
        e.getMessage());
    assertEquals("swish", new OpActivation("swish::swish").cliName());
  }

  @Test
  void nullArgumentsAreNamed() {
    NullPointerException seq = assertThrows(NullPointerException.class,
        () -> new Sequential(new ReLU(), null));
    assertEquals("Sequential: module 1 is null", seq.getMessage());
    NullPointerException hidden = assertThrows(NullPointerException.class,
        () -> Mlp.builder().hidden((int[]) null));
    assertEquals("hidden sizes is null; pass the sizes, e.g. hidden(100)", hidden.getMessage());
    NullPointerException drop = assertThrows(NullPointerException.class,
        () -> new Dropout(0.5, (Random) null));
    assertEquals("Dropout: random is null; pass a seeded java.util.Random", drop.getMessage());
  }

  @Test
  void flattenKeepsAnEmptyBatch() {
    Tensor out = new Flatten().forward(Tensor.zeros(0, 3, 4));
    assertArrayEquals(new int[] {0, 12}, out.shape().dims());
    assertArrayEquals(new int[] {2, 12}, new Flatten().forward(Tensor.zeros(2, 3, 4)).shape()
        .dims());
  }
}
