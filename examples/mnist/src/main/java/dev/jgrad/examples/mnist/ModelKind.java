package dev.jgrad.examples.mnist;

import java.util.Locale;

/**
 * The networks {@code --model} picks: the book's MLP (chapters 5-6), its SimpleConvNet
 * (chapter 7: conv 30 filters 5x5, ReLU, 2x2 max pool, affine 100, ReLU, affine 10) or its
 * DeepConvNet (chapter 8: six 3x3 convolutions, three pools, affine 50, Dropout, affine 10).
 */
public enum ModelKind {
  MLP,
  CNN,
  DEEP;

  /** Whether this is one of the convolutional networks, which train with Adam by default. */
  public boolean convolutional() {
    return this != MLP;
  }

  /** The option's spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code mlp}, {@code cnn} or {@code deep}; anything else fails saying what exists. */
  public static ModelKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (ModelKind k : values()) {
      if (k.cliName().equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown model '" + name + "'; use mlp, cnn or deep");
  }
}
