package dev.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.autograd.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Conv2d, the pooling layers and Flatten: parameters, composition, errors. */
class ConvLayersTest {
  @Test
  void conv2dHasPyTorchsParameterNamesLayoutsAndDefaultInitBounds() {
    Conv2d conv = new Conv2d(3, 8, 5, 1, 0, new Random(1));
    assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
    assertArrayEquals(new int[] {8, 3, 5, 5}, conv.weight().shape().dims());
    assertArrayEquals(new int[] {8}, conv.bias().shape().dims());
    double bound = 1 / Math.sqrt(3 * 25);
    double maxAbs = 0;
    for (double v : conv.weight().toDoubleArray()) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    for (double v : conv.bias().toDoubleArray()) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assertTrue(maxAbs <= bound && maxAbs > 0.8 * bound, "max |w| " + maxAbs + ", bound " + bound);
  }

  @Test
  void conv2dTakesTheBooksInitializersWithFanInOfChannelsTimesKernel() {
    // The book's DeepConvNet: He, std sqrt(2 / (in * k * k)), zero bias; SimpleConvNet: 0.01.
    Conv2d he = new Conv2d(16, 32, 3, 1, 1, Init.he(), new Random(3));
    assertArrayEquals(new int[] {32, 16, 3, 3}, he.weight().shape().dims());
    double[] w = he.weight().toDoubleArray();
    double sumSq = 0;
    for (double v : w) {
      sumSq += v * v;
    }
    double expected = Math.sqrt(2.0 / (16 * 9));
    assertEquals(expected, Math.sqrt(sumSq / w.length), 0.05 * expected);
    assertArrayEquals(new double[32], he.bias().toDoubleArray());
    Conv2d small = new Conv2d(1, 30, 5, 1, 0, Init.normal(0.01), new Random(3));
    double maxAbs = 0;
    for (double v : small.weight().toDoubleArray()) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assertTrue(maxAbs < 0.06 && maxAbs > 0.02, "max |w| " + maxAbs);
    // Same seed, same bits; filter o holds column o of Init's [fanIn, out] draws.
    assertArrayEquals(w, new Conv2d(16, 32, 3, 1, 1, Init.he(), new Random(3)).weight()
        .toDoubleArray());
    double[] drawn = Init.he().weights(16 * 9, 32, DType.FLOAT32, new Random(3)).toDoubleArray();
    assertEquals(drawn[32 + 5], w[5 * 16 * 9 + 1]);
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> new Conv2d(1, 2, 3, 1, 0, (Init) null, new Random(1)));
    assertEquals("init is null; pass one, e.g. Init.he()", e.getMessage());
  }

  @Test
  void simpleConvNetLayersComposeInSequentialAndGetGradients() {
    Random r = new Random(2);
    Sequential net = new Sequential(new Conv2d(1, 4, 3, 1, 1, r), new ReLU(),
        new MaxPool2d(2, 2, 0), new AvgPool2d(new int[] {1, 2}, new int[] {1, 1},
        new int[] {0, 1}), new Flatten(), new Linear(4 * 4 * 5, 3, Init.he(), r));
    Tensor x = Tensor.randn(r, DType.FLOAT32, 2, 1, 8, 8);
    Tensor y = net.forward(x);
    assertArrayEquals(new int[] {2, 3}, y.shape().dims());
    y.sum().backward();
    for (var e : net.namedParameters().entrySet()) {
      assertNotNull(e.getValue().grad(), e.getKey());
    }
    assertEquals(List.of("0.weight", "0.bias", "5.weight", "5.bias"),
        List.copyOf(net.namedParameters().keySet()));
  }

  @Test
  void badInputNamesTheLayerTheShapeAndWhatToChange() {
    Random r = new Random(3);
    Conv2d conv = new Conv2d(1, 30, 5, 1, 0, r);
    assertMessage(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 100, 784)),
        "Conv2d(1 -> 30, 5x5", "[100, 784]", "reshape", "an Unflatten(1, height, width) layer");
    assertMessage(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 2, 28, 28)),
        "Conv2d(1 -> 30", "[2, 28, 28]", "add the channel axis first (x.unsqueeze(1))");
    // SimpleConvNet's affine layer sized for the unpooled 30x24x24, fed the pooled 30x12x12
    Linear fc = new Linear(30 * 24 * 24, 100, r);
    assertMessage(() -> fc.forward(Tensor.zeros(DType.FLOAT32, 2, 4320)),
        "Linear(17280 -> 100) needs input [batch, 17280], got [2, 4320]; the input (or the layer "
        + "before) has 4320 features: either the data has a column missing or this layer should "
        + "be Linear(4320, 100)");
    assertMessage(() -> fc.forward(Tensor.zeros(DType.FLOAT32, 2, 30, 12, 12)),
        "got [2, 30, 12, 12]; flatten images first (a Flatten layer before it)");
    assertMessage(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 28, 28)),
        "Conv2d(1 -> 30", "[2, 3, 28, 28]", "give it 1 channels");
    assertMessage(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 2, 1, 3, 3)),
        "Conv2d(1 -> 30", "kernel 5x5 is larger than the padded input 3x3");
    assertMessage(() -> new Conv2d(1, 2, 3, 0, 0, r), "Conv2d: stride [0, 0] must be at least 1");
    assertMessage(() -> new MaxPool2d(2, 2, 0).forward(Tensor.zeros(DType.FLOAT32, 4, 9)),
        "MaxPool2d(2x2, stride 2x2, padding 0x0)", "[batch, channels, height, width]", "[4, 9]");
    assertMessage(() -> new AvgPool2d(2, 1, 2), "AvgPool2d: padding [2, 2] is more than half");
  }

  @Test
  void flattenKeepsTheBatchAxis() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 3, 2, 4, 5);
    assertArrayEquals(new int[] {3, 40}, new Flatten().forward(x).shape().dims());
  }

  private static void assertMessage(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }
}
