package dev.jgrad.api;

import dev.jgrad.api.op.OpRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader} and selects one.
 *
 * <p>Selection: the system property {@code jgrad.backend}, else the environment variable
 * {@code JGRAD_BACKEND}, else the available backend with the highest priority (logged once at
 * INFO with the reason). A name that is unknown or unavailable fails with every backend found and
 * why each unavailable one is unavailable.
 */
public final class Backends {
  /** The system property that names the backend to use ({@value}), checked before {@link #ENV}. */
  public static final String PROPERTY = "jgrad.backend";
  /**
   * The environment variable that names the backend to use ({@value}) when {@link #PROPERTY} is
   * unset.
   */
  public static final String ENV = "JGRAD_BACKEND";

  private static final Logger log = LoggerFactory.getLogger(Backends.class);
  private static final ConcurrentHashMap<String, Backend> created = new ConcurrentHashMap<>();
  private static volatile Backend selected;
  private static final ThreadLocal<Backend> override = new ThreadLocal<>();

  private Backends() {}

  /** One provider found on the classpath and what its probe said. */
  public record Found(BackendProvider provider, Availability availability) {
    @Override
    public String toString() {
      return provider.name() + " (priority " + provider.priority() + ", " + availability + ")";
    }
  }

  /** Every provider on the classpath with its probe's answer, best priority first. */
  public static List<Found> discover() {
    List<Found> found = new ArrayList<>();
    ServiceLoader<BackendProvider> loader = ServiceLoader.load(BackendProvider.class);
    var it = loader.iterator();
    while (true) {
      BackendProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        log.warn("A backend provider failed to load and is skipped: {}", e.toString());
        continue;
      }
      found.add(new Found(p, safeProbe(p)));
    }
    found.sort(Comparator.comparingInt((Found f) -> f.provider().priority()).reversed());
    return found;
  }

  private static Availability safeProbe(BackendProvider p) {
    try {
      return p.probe();
    } catch (Throwable t) { // a probe must never take the JVM down with it; LinkageErrors included
      return Availability.unavailable("probe failed: " + t);
    }
  }

  /**
   * The backend new tensors are created on: the one a {@link #use} scope set on this thread, else
   * the one selected for this JVM (see the class comment), chosen once, then cached.
   */
  public static Backend current() {
    Backend scoped = override.get();
    if (scoped != null) {
      return scoped;
    }
    Backend b = selected;
    if (b == null) {
      // the op registry loads beside the backend's creation (OpenBLAS, or the CUDA driver), which
      // keeps one core busy for a second or so; the first op no longer waits for both in a row
      OpRegistry.preload();
      synchronized (Backends.class) {
        if (selected == null) {
          selected = select();
        }
        b = selected;
      }
    }
    return b;
  }

  /**
   * Makes {@code backend} the current one on this thread until the returned scope closes, so that
   * code creating tensors runs there; scopes nest.
   *
   * <pre>{@code
   * try (Backends.Scope gpu = Backends.use(Backends.byName("cuda"))) {
   *   Tensor x = Tensor.ones(3);    // on the GPU
   * }
   * }</pre>
   */
  public static Scope use(Backend backend) {
    Backend previous = override.get();
    override.set(java.util.Objects.requireNonNull(backend, "use(null): name a backend"));
    return () -> {
      if (previous == null) {
        override.remove();
      } else {
        override.set(previous);
      }
    };
  }

  /** Ends a {@link #use} scope. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The backend with this name, created once per JVM; fails if unknown or unavailable. */
  public static Backend byName(String name) {
    return byName(name, null);
  }

  /**
   * {@link #byName}; {@code source} ({@code -Djgrad.backend}, say), when not null, says where
   * the name came from, so that its error names the setting to change.
   */
  static Backend byName(String name, String source) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    Backend b = created.get(key);
    if (b != null) {
      return b;
    }
    List<Found> found = discover();
    // one line that names the request, its fault, the other backends and what to do
    String asked = source == null ? "" : source + "=" + name + ": ";
    String unset = source == null ? "" : "; leave " + source + " unset to use the best available";
    for (Found f : found) {
      if (f.provider().name().equalsIgnoreCase(key)) {
        if (!f.availability().isAvailable()) {
          List<Found> others = new ArrayList<>(found);
          others.remove(f);
          throw new IllegalStateException(asked + "Backend '" + name + "' is unavailable: "
              + f.availability().reason() + ". Other backends found: "
              + (others.isEmpty() ? "none" : others.toString()) + unset);
        }
        return created.computeIfAbsent(key, k -> f.provider().create());
      }
    }
    throw new IllegalArgumentException(asked + "No backend named '" + name + "'. Backends found: "
        + (found.isEmpty() ? "none (put jgrad-cpu-backend on the classpath)" : found.toString())
        + (key.equals("cuda") ? "; the cuda backend is the jgrad-cuda-backend artifact: put it "
            + "on the classpath" : "") + unset);
  }

  /** Whether a backend of this name is on the classpath and available here. */
  public static boolean isAvailable(String name) {
    return discover().stream().anyMatch(f -> f.provider().name().equalsIgnoreCase(name)
        && f.availability().isAvailable());
  }

  private static Backend select() {
    String requested = System.getProperty(PROPERTY);
    String source = "-D" + PROPERTY;
    if (requested == null || requested.isBlank()) {
      requested = System.getenv(ENV);
      source = "$" + ENV;
    }
    if (requested != null && !requested.isBlank()) {
      Backend b = byName(requested, source);
      log.info("jgrad backend: {} (requested by {})", b.name(), source);
      return b;
    }
    List<Found> found = discover();
    for (Found f : found) {
      if (f.availability().isAvailable()) {
        Backend b = byName(f.provider().name());
        List<String> others = new ArrayList<>();
        for (Found o : found) {
          if (o != f) {
            others.add(o.toString());
          }
        }
        log.info("jgrad backend: {} (best available by priority {}; others: {})", b.name(),
            f.provider().priority(), others.isEmpty() ? "none" : others);
        return b;
      }
    }
    throw new IllegalStateException("No jgrad backend is available. Backends found: "
        + (found.isEmpty() ? "none (put jgrad-cpu-backend on the classpath)" : found.toString()));
  }
}
