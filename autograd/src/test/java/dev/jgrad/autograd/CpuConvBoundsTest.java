package dev.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import dev.jgrad.autograd.ops.ConvOps;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's convolution and pooling kernels at their edges, found by an audit of the
 * native helper: what crashed the JVM or returned stale memory now fails in one line or returns
 * the empty sum's zeros.
 */
class CpuConvBoundsTest {
  private final Backend cpu = Backends.byName("cpu");

  /** No input channels: every output is the empty sum (0), plus the bias. */
  @Test
  void noInputChannelsGiveTheBiasAlone() {
    // a released array of the output's size, full of 7s, which the pool may hand out again
    Tensor.full(7, DType.FLOAT32, 2, 4, 10, 10).buffer().close();
    Tensor x = Tensor.ones(2, 0, 12, 12);
    Tensor w = Tensor.ones(4, 0, 3, 3);
    Tensor bias = Tensor.of(new float[] {1, 2, 3, 4}, 4);
    Tensor y = ConvOps.conv2d(x, w, bias, new int[] {1, 1}, new int[] {0, 0});
    assertArrayEquals(new int[] {2, 4, 10, 10}, y.shape().dims());
    float[] got = y.toFloatArray();
    for (int i = 0; i < got.length; i++) {
      assertEquals(1 + (i / 100) % 4, got[i], "output " + i);
    }
  }

  /** No filters: the input's gradient is the empty sum, 0 (it was stale pool memory). */
  @Test
  void noFiltersGiveAZeroInputGradient() {
    Tensor.full(7, DType.FLOAT32, 2, 8, 6, 6).buffer().close(); // a stale array, as above
    Tensor x = Tensor.randn(new java.util.Random(1), 2, 8, 6, 6).requiresGrad(true);
    Tensor w = Tensor.ones(0, 8, 3, 3).requiresGrad(true);
    Tensor y = ConvOps.conv2d(x, w, null, new int[] {1, 1}, new int[] {1, 1});
    y.backward(Tensor.ones(y.shape().dims())); // [2, 0, 6, 6]: nothing to sum
    assertArrayEquals(new float[2 * 8 * 36], x.grad().toFloatArray());
  }

  /** No samples: the weight's gradient is 0 (it was an ArrayIndexOutOfBoundsException). */
  @Test
  void noSamplesGiveAZeroWeightGradient() {
    Tensor x = Tensor.ones(0, 2, 5, 5);
    Tensor w = Tensor.ones(3, 2, 3, 3).requiresGrad(true);
    Tensor y = ConvOps.conv2d(x, w, null, new int[] {1, 1}, new int[] {0, 0});
    y.backward(Tensor.ones(y.shape().dims())); // [0, 3, 3, 3]
    assertArrayEquals(new float[3 * 2 * 9], w.grad().toFloatArray());
  }

  /** A padded plane past an int's range: refused, where the native kernel crashed the JVM. */
  @Test
  void aPaddedPlaneTooLargeForAnArrayIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvOps.conv2d(Tensor.ones(1, 1, 2, 1), Tensor.ones(8, 1, 65536, 1), null,
            new int[] {1, 1}, new int[] {32767, 32768}));
    assertEquals("jgrad::conv2d on the cpu backend: 1 channels of 2x1 with 8 filters of 65536x1, "
        + "padding 32767x32768 need 4295032832 values in one array, more than the 2147483639 a "
        + "CPU array holds; use less padding or smaller images or filters", e.getMessage());
  }

  /** A kernel called with specs larger than its buffers fails naming the buffer. */
  @Test
  void buffersShorterThanTheirSpecsAreRefused() {
    Attrs pool = Attrs.of(AttrKeys.KERNEL, new int[] {2, 2}, AttrKeys.STRIDE, new int[] {2, 2},
        AttrKeys.PADDING, new int[] {0, 0});
    KernelCall maxPool = new KernelCall(cpu, List.of(cpu.upload(new float[16])),
        List.of(new TensorSpec(Shape.of(64, 64, 256, 256), DType.FLOAT32)), pool,
        cpu.upload(new float[4]), new TensorSpec(Shape.of(64, 64, 128, 128), DType.FLOAT32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OpRegistry.global().kernel(OpNames.MAX_POOL2D, "cpu")
            .compute(maxPool));
    assertEquals("jgrad::max_pool2d on the cpu backend: x must have length 268435456 but has length 16",
        e.getMessage());
    Attrs conv = Attrs.of(AttrKeys.STRIDE, new int[] {1, 1}, AttrKeys.PADDING, new int[] {0, 0});
    KernelCall conv2d = new KernelCall(cpu, List.of(cpu.upload(new float[16]),
        cpu.upload(new float[9])), List.of(new TensorSpec(Shape.of(1, 1, 4, 4), DType.FLOAT32),
            new TensorSpec(Shape.of(1, 1, 3, 3), DType.FLOAT32)), conv, cpu.upload(new float[1]),
        new TensorSpec(Shape.of(1, 1, 2, 2), DType.FLOAT32));
    e = assertThrows(IllegalArgumentException.class,
        () -> OpRegistry.global().kernel(OpNames.CONV2D, "cpu").compute(conv2d));
    assertEquals("jgrad::conv2d on the cpu backend: output must have length 4 but has length 1",
        e.getMessage());
  }
}
