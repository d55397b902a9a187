package dev.jgrad.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The hidden-layer activations an {@link Mlp} can use, each with the weight initializer the book
 * recommends for it (He for the ReLU family and GELU, Xavier for sigmoid and tanh).
 *
 * <pre>{@code
 * Activation a = Activation.parse("relu");
 * Module m = a.newModule();      // a ReLU
 * Init init = a.recommendedInit(); // Init.he()
 * }</pre>
 */
public enum Activation implements HiddenActivation {
  /** max(x, 0), with He initialization. */
  RELU(ReLU::new, Init.he()),
  /** {@link LeakyReLU} with slope 0.01, with He initialization. */
  LEAKY_RELU(LeakyReLU::new, Init.he()),
  /** 1 / (1 + e^-x), with Xavier initialization. */
  SIGMOID(Sigmoid::new, Init.xavier()),
  /** tanh(x), with Xavier initialization. */
  TANH(Tanh::new, Init.xavier()),
  /** The exact {@link GELU}, x/2 (1 + erf(x / sqrt 2)), with He initialization. */
  GELU(dev.jgrad.nn.GELU::new, Init.he());

  private final Supplier<Module> factory;
  private final Init recommendedInit;

  Activation(Supplier<Module> factory, Init recommendedInit) {
    this.factory = factory;
    this.recommendedInit = recommendedInit;
  }

  @Override
  public Module newModule() {
    return factory.get();
  }

  /** The initializer the book pairs with this activation. */
  @Override
  public Init recommendedInit() {
    return recommendedInit;
  }

  /** The lower-case name used on command lines, e.g. {@code leaky_relu}. */
  @Override
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a name case-insensitively ({@code relu}, {@code leaky-relu}, {@code tanh}...). */
  public static Activation parse(String name) {
    String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Activation a : values()) {
      if (a.name().equals(key)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown activation '" + name + "'; choose one of "
        + Arrays.stream(values()).map(Activation::cliName).collect(Collectors.joining(", ")));
  }
}
