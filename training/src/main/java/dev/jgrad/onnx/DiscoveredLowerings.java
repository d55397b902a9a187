package dev.jgrad.onnx;

import dev.jgrad.api.ServiceProviders;
import dev.jgrad.nn.OpActivation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The lowerings that providers on the class or module path ship, by op name
 * ({@link OnnxOpLoweringProvider}) or by module class ({@link OnnxModuleLoweringProvider}).
 * Loaded per export, on the first layer that needs them: exports are rare, and so a jar added to
 * a class loader since the last export is seen.
 *
 * @param <K> what a lowering is found by: an op name or a module class
 */
final class DiscoveredLowerings<K> {
  /** A lowering and the provider class that ships it. */
  record Found(OnnxLowering<?> lowering, String provider) {}

  /** "ONNX lowering provider" or "ONNX module lowering provider", for messages. */
  private final String kind;
  private final Map<K, Found> byKey = new HashMap<>();
  /** Keys two providers lower: the second provider's name (the first is in byKey). */
  private final Map<K, String> conflicts = new HashMap<>();
  private final List<String> failures = new ArrayList<>();

  private DiscoveredLowerings(String kind) {
    this.kind = kind;
  }

  /** The op lowerings of the {@link OnnxOpLoweringProvider}s found through {@code loader}. */
  static DiscoveredLowerings<String> ops(ClassLoader loader) {
    DiscoveredLowerings<String> found = new DiscoveredLowerings<>("ONNX lowering provider");
    ServiceProviders.forEach(ServiceLoader.load(OnnxOpLoweringProvider.class, loader), p -> {
      String name = p.getClass().getName();
      Map<String, OnnxLowering<OpActivation.Layer>> byOp = found.ask(name, p::lowerings);
      if (byOp != null) {
        byOp.forEach((op, lowering) -> found.put(name, op, lowering));
      }
    }, found::loadFailed);
    return found;
  }

  /** The lowerings of the {@link OnnxModuleLoweringProvider}s found through {@code loader}. */
  static DiscoveredLowerings<Class<?>> modules(ClassLoader loader) {
    DiscoveredLowerings<Class<?>> found =
        new DiscoveredLowerings<>("ONNX module lowering provider");
    ServiceProviders.forEach(ServiceLoader.load(OnnxModuleLoweringProvider.class, loader), p -> {
      String name = p.getClass().getName();
      List<OnnxModuleLowering<?>> byClass = found.ask(name, p::lowerings);
      if (byClass != null) {
        for (OnnxModuleLowering<?> l : byClass) {
          found.put(name, l == null ? null : l.moduleClass(), l == null ? null : l.lowering());
        }
      }
    }, found::loadFailed);
    return found;
  }

  private void loadFailed(Throwable e) {
    failures.add("an " + kind + " failed to load: " + e.getMessage());
  }

  /** What {@code provider} returns, or null (noted) when it fails or returns null. */
  private <L> L ask(String provider, Supplier<L> lowerings) {
    L l;
    try {
      l = lowerings.get();
    } catch (RuntimeException e) {
      failures.add(kind + " " + provider + " failed: " + e);
      return null;
    }
    if (l == null) {
      failures.add(kind + " " + provider + " returned null lowerings");
    }
    return l;
  }

  private void put(String provider, K key, OnnxLowering<?> lowering) {
    if (key == null || lowering == null) {
      failures.add(kind + " " + provider + " maps " + key + " to " + lowering);
    } else if (byKey.containsKey(key)) {
      conflicts.putIfAbsent(key, provider);
    } else {
      byKey.put(key, new Found(lowering, provider));
    }
  }

  /**
   * The lowering of {@code key}, or null when no provider has one. Fails when two providers
   * lower it, naming both: "OnnxExporter: {@code subject}, which two ... lower: A and B; ...
   * pass the lowering to use with {@code settle}".
   */
  Found find(K key, String subject, String settle) {
    String second = conflicts.get(key);
    if (second != null) {
      throw new IllegalArgumentException("OnnxExporter: " + subject + ", which two " + kind
          + "s lower: " + byKey.get(key).provider() + " and " + second + "; keep one of their"
          + " jars on the class path, or pass the lowering to use with " + settle);
    }
    return byKey.get(key);
  }

  /** Why providers failed to load, for an error about a missing lowering; "" when none did. */
  String failures() {
    return failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")";
  }
}
