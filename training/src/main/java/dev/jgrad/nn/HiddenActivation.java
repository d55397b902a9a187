package dev.jgrad.nn;

import dev.jgrad.api.op.OpRegistry;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What an {@link Mlp} puts between its layers: a built-in {@link Activation}, or any registered
 * elementwise op, such as a plugin's, through {@link OpActivation}.
 *
 * <pre>{@code
 * HiddenActivation.parse("tanh");    // Activation.TANH
 * HiddenActivation.parse("swish");   // the op swish::swish, if its plugin jar is on the classpath
 * }</pre>
 */
public interface HiddenActivation {
  /** A fresh module computing this activation. */
  Module newModule();

  /** The weight initializer that suits this activation. */
  Init recommendedInit();

  /** The name used on command lines. */
  String cliName();

  /**
   * A built-in activation by name, else a registered op: {@code ns::op}, or {@code name::name}
   * for a bare name. Fails naming both what was tried and the jar that may be missing.
   */
  static HiddenActivation parse(String name) {
    try {
      return Activation.parse(name);
    } catch (IllegalArgumentException notBuiltIn) {
      String key = name == null ? "" : name.trim();
      String op = key.contains("::") ? key : key + "::" + key;
      if (!key.isEmpty() && OpRegistry.global().isDefined(op)) {
        return new OpActivation(op);
      }
      String builtIns = Arrays.stream(Activation.values()).map(Activation::cliName)
          .collect(Collectors.joining(", "));
      String why;
      try {
        OpRegistry.global().definition(op);
        why = "";
      } catch (IllegalArgumentException e) {
        why = e.getMessage();
      }
      throw new IllegalArgumentException("unknown activation '" + name + "': not a built-in one ("
          + builtIns + ") and no plugin op provides it: " + why, notBuiltIn);
    }
  }
}
