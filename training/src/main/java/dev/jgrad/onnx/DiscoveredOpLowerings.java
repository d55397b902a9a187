package dev.jgrad.onnx;

import dev.jgrad.api.ServiceProviders;
import dev.jgrad.nn.OpActivation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The op lowerings of every {@link OnnxOpLoweringProvider} on the class or module path, by op
 * name. Loaded per export, on the first op layer that needs it: exports are rare, and so a jar
 * added to a class loader since the last export is seen.
 */
final class DiscoveredOpLowerings {
  /** A lowering and the provider class that ships it. */
  record Found(OnnxLowering<OpActivation.Layer> lowering, String provider) {}

  private final Map<String, Found> byOp = new HashMap<>();
  /** Ops two providers lower: the second provider's name (the first is in byOp). */
  private final Map<String, String> conflicts = new HashMap<>();
  private final List<String> failures = new ArrayList<>();

  /** The providers {@link ServiceLoader} finds through {@code loader}. */
  static DiscoveredOpLowerings load(ClassLoader loader) {
    DiscoveredOpLowerings found = new DiscoveredOpLowerings();
    ServiceProviders.forEach(ServiceLoader.load(OnnxOpLoweringProvider.class, loader),
        found::add, e -> found.failures.add("an ONNX lowering provider failed to load: " + e.getMessage()));
    return found;
  }

  /** Adds {@code provider}'s lowerings; a failing or malformed provider is noted, not thrown. */
  void add(OnnxOpLoweringProvider provider) {
    String name = provider.getClass().getName();
    Map<String, OnnxLowering<OpActivation.Layer>> lowerings;
    try {
      lowerings = provider.lowerings();
    } catch (RuntimeException e) {
      failures.add("ONNX lowering provider " + name + " failed: " + e);
      return;
    }
    if (lowerings == null) {
      failures.add("ONNX lowering provider " + name + " returned null lowerings");
      return;
    }
    lowerings.forEach((op, lowering) -> {
      if (op == null || lowering == null) {
        failures.add("ONNX lowering provider " + name + " maps " + op + " to " + lowering);
      } else if (byOp.containsKey(op)) {
        conflicts.putIfAbsent(op, name);
      } else {
        byOp.put(op, new Found(lowering, name));
      }
    });
  }

  /**
   * The lowering of {@code op}, or null when no provider has one. Fails when two providers
   * lower it, naming both.
   */
  Found find(String op, String where) {
    String second = conflicts.get(op);
    if (second != null) {
      throw new IllegalArgumentException("OnnxExporter: " + where + " uses op " + op + ", which"
          + " two ONNX lowering providers lower: " + byOp.get(op).provider() + " and " + second
          + "; keep one of their jars on the class path, or pass the lowering to use with"
          + " OnnxExporter.builder().lowerOp(\"" + op + "\", ...)");
    }
    return byOp.get(op);
  }

  /** Why providers failed to load, for an error about a missing lowering; "" when none did. */
  String failures() {
    return failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")";
  }
}
