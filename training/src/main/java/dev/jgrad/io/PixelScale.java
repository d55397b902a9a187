package dev.jgrad.io;

/** How {@link MnistFiles} turns the 0..255 grey levels of IDX images into floats. */
public enum PixelScale {
  /** Grey level / 255, in [0, 1]: what most models train on. */
  UNIT,
  /** The grey level itself, 0..255, for code that normalises on its own. */
  RAW;

  /** The float for grey level {@code grey} (0..255). */
  public float apply(int grey) {
    // Divide rather than multiply by 1/255, so that 255 maps to exactly 1.0f.
    return this == UNIT ? grey / 255f : grey;
  }
}
