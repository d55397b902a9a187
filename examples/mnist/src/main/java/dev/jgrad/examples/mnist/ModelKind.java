package dev.jgrad.examples.mnist;

import java.util.Locale;

/**
 * The networks {@code --model} picks: the book's MLP (chapters 5-6) or its SimpleConvNet
 * (chapter 7: conv 30 filters 5x5, ReLU, 2x2 max pool, affine 100, ReLU, affine 10). The deep
 * network of chapter 8 needs Dropout, which jgrad does not have yet.
 */
public enum ModelKind {
  MLP,
  CNN;

  /** The option's spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code mlp} or {@code cnn}; anything else fails saying what exists. */
  public static ModelKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("deep")) {
      throw new IllegalArgumentException("'deep' (the book's chapter 8 network) is not available "
          + "yet: it needs Dropout; use mlp or cnn");
    }
    for (ModelKind k : values()) {
      if (k.cliName().equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown model '" + name + "'; use mlp or cnn");
  }
}
