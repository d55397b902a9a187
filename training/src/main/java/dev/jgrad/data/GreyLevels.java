package dev.jgrad.data;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.autograd.Tensor;
import dev.jgrad.io.PixelScale;

/**
 * How a gathered batch of UINT8 grey levels becomes FLOAT32 inputs, bit for bit what
 * {@link PixelScale#apply} gives each pixel: converted, then divided by 255 for
 * {@link PixelScale#UNIT} (a true division, as {@code grey / 255f}; a product with 1/255 would
 * round some levels differently). Data sets of images keep their pixels as UINT8 on the backend
 * (a quarter of the memory, and a quarter of the bytes each batch gathers) and convert only the
 * batch, with the backend's primitives directly: data needs no graph, and two ops more in every
 * step would be two more for the JIT to warm up in the first epoch.
 */
final class GreyLevels {
  private final PixelScale scale;

  GreyLevels(PixelScale scale) {
    this.scale = scale;
  }

  /** The pixel values of {@code grey} (dense UINT8), a new FLOAT32 tensor; closes {@code grey}. */
  Tensor toPixels(Tensor grey) {
    try {
      return copyToPixels(grey);
    } finally {
      grey.buffer().close(); // gathered for this batch alone
    }
  }

  /** The pixel values of {@code grey} (dense UINT8), a new FLOAT32 tensor; {@code grey} stays. */
  Tensor copyToPixels(Tensor grey) {
    Backend backend = grey.backend();
    DeviceBuffer pixels = backend.allocate(DType.FLOAT32, grey.size());
    backend.convert(grey.buffer(), pixels);
    if (scale.divisor() != 1) {
      backend.scalar(BinaryOp.DIV, pixels, scale.divisor(), pixels); // in place, as apply divides
    }
    return Tensor.wrap(backend, pixels, grey.shape());
  }

  /**
   * The text fingerprints digest: fixed, since a checkpoint keeps its held-out set's fingerprint
   * and a resumed run compares it; it predates colour images, whose levels it also describes.
   */
  String digestText() {
    return "UINT8 grey levels, " + scale;
  }

  /** One byte a channel value, grey or colour alike. */
  @Override
  public String toString() {
    return "UINT8 pixel levels, " + scale;
  }
}
