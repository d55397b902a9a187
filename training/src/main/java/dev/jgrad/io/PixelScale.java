package dev.jgrad.io;

/** How {@link MnistFiles} turns the 0..255 grey levels of IDX images into floats. */
public enum PixelScale {
  /** Grey level / 255, in [0, 1]: what most models train on. */
  UNIT(255f),
  /** The grey level itself, 0..255, for code that normalises on its own. */
  RAW(1f);

  private final float divisor;

  PixelScale(float divisor) {
    this.divisor = divisor;
  }

  /** What {@link #apply} divides a grey level by: 255 or 1. */
  public float divisor() {
    return divisor;
  }

  /** The float for grey level {@code grey} (0..255). */
  public float apply(int grey) {
    // Divide rather than multiply by 1/255, so that 255 maps to exactly 1.0f.
    return grey / divisor;
  }
}
