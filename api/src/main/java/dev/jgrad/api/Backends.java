package dev.jgrad.api;

import dev.jgrad.api.op.OpRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
  /** The skipped providers already logged. */
  private static final java.util.Set<String> warned = ConcurrentHashMap.newKeySet();

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
    return discovery().found();
  }

  /**
   * What one discovery saw: the providers with their probes' answers, and why each provider that
   * could not be used was skipped (it failed to load, or has no name), for the error that says a
   * backend is missing.
   */
  private record Discovery(List<Found> found, List<String> skipped) {}

  private static Discovery discovery() {
    List<Found> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    ServiceProviders.forEach(ServiceLoader.load(BackendProvider.class), p -> {
      String name = p.name();
      if (name == null || name.isBlank()) { // nothing could select it, and messages would show null
        skip(skipped, p.getClass().getName() + ".name() returned "
            + (name == null ? "null" : "'" + name + "'") + "; a provider needs a name");
      } else {
        found.add(new Found(p, safeProbe(p)));
      }
    },
        // the cause (a constructor's or a static initializer's exception) is the useful part
        e -> skip(skipped, e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause())));
    found.sort(Comparator.comparingInt((Found f) -> f.provider().priority()).reversed());
    return new Discovery(found, skipped);
  }

  private static void skip(List<String> skipped, String why) {
    if (warned.add(why)) { // every discovery meets it again; once in the log is enough
      log.warn("A backend provider is skipped: {}", why);
    }
    skipped.add(why);
  }

  private static Availability safeProbe(BackendProvider p) {
    long start = System.nanoTime();
    Availability a = BackendProbes.probe(p);
    slow("the probe of backend '" + p.name() + "'", start);
    return a;
  }

  /** Logs what took over a second: probes run at every start, and nothing else says why it waits. */
  private static void slow(String what, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (seconds > 1) {
      log.info("{} took {} s", what, String.format(Locale.ROOT, "%.1f", seconds));
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
    Backend b = created.get(name.trim().toLowerCase(Locale.ROOT));
    return b != null ? b : byName(name, source, discovery());
  }

  /** {@link #byName(String, String)} from a discovery already made (selection makes one). */
  private static Backend byName(String name, String source, Discovery discovery) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    Backend b = created.get(key);
    if (b != null) {
      return b;
    }
    List<Found> found = discovery.found();
    // one line that names the request, its fault, the other backends and what to do
    String asked = source == null ? "" : source + "=" + name + ": ";
    String unset = source == null ? "" : "; leave " + source + " unset to use the best available";
    List<Found> named = found.stream()
        .filter(f -> f.provider().name().equalsIgnoreCase(key)).toList();
    if (named.size() > 1) { // which one ran would depend on the class path order
      throw new IllegalStateException(asked + named.size() + " backend providers are named '"
          + name + "': " + named.stream().map(f -> origin(f.provider())).toList()
          + "; keep one of their jars on the class path" + unset);
    }
    if (named.size() == 1) {
      Found f = named.get(0);
      if (!f.availability().isAvailable()) {
        List<Found> others = new ArrayList<>(found);
        others.remove(f);
        throw new IllegalStateException(asked + "Backend '" + name + "' is unavailable: "
            + f.availability().reason() + ". Other backends found: "
            + (others.isEmpty() ? "none" : others.toString()) + unset);
      }
      return created.computeIfAbsent(key, k -> start(f.provider(), asked, unset));
    }
    String hint = key.equals("cuda") ? "; the cuda backend is the jgrad-cuda-backend artifact: put "
        + "it on the classpath" : "; a backend's jar lists its provider in META-INF/services/"
        + BackendProvider.class.getName() + " (a named module: provides "
        + BackendProvider.class.getName() + " with ...)";
    throw new IllegalArgumentException(asked + "No backend named '" + name + "'. Backends found: "
        + (found.isEmpty() ? "none (put jgrad-cpu-backend on the classpath)" : found.toString())
        + (discovery.skipped().isEmpty() ? "" : "; skipped: " + discovery.skipped()) + hint
        + unset);
  }

  /**
   * {@code p.create()}, after its probe said yes; a failure names the backend and its provider
   * instead of surfacing as a bare exception from the first tensor op. An
   * IllegalArgumentException passes as it is: a backend refuses a bad setting of the user's with
   * it, in a line that names the setting and its fix ({@code -Djgrad.cpu.threads=four is not a
   * whole number; ...}), which a provider's name in front would only bury.
   */
  private static Backend start(BackendProvider p, String asked, String unset) {
    String which = asked + "Backend '" + p.name() + "' (" + origin(p) + ") ";
    long begin = System.nanoTime();
    Backend b;
    try {
      b = p.create();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(which + "passed its probe but failed to start: " + e
          + (unset.isEmpty() ? "; -D" + PROPERTY + "=NAME selects another backend" : unset), e);
    }
    slow("starting backend '" + p.name() + "'", begin);
    if (b == null) {
      throw new IllegalStateException(which + "create() returned null" + unset);
    }
    if (!p.name().equalsIgnoreCase(b.name())) { // buffers and kernels go by the backend's name
      throw new IllegalStateException(which + "created a backend named '" + b.name()
          + "': BackendProvider.name() and Backend.name() must be the same");
    }
    return b;
  }

  /** The provider's class and the jar (or folder) it was loaded from, to tell two apart. */
  private static String origin(BackendProvider p) {
    var source = p.getClass().getProtectionDomain().getCodeSource();
    return p.getClass().getName()
        + (source == null || source.getLocation() == null ? "" : " from " + source.getLocation());
  }

  /**
   * Whether a backend of this name is on the classpath and available here; every call runs every
   * provider's probe again.
   */
  public static boolean isAvailable(String name) {
    return discover().stream().anyMatch(f -> f.provider().name().equalsIgnoreCase(name)
        && f.availability().isAvailable());
  }

  /** The backend for this JVM when none is selected yet ({@link #current}). */
  static Backend select() {
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
    Discovery discovery = discovery(); // once: every probe runs once per selection
    List<Found> found = discovery.found();
    for (Found f : found) {
      if (f.availability().isAvailable()) {
        Backend b = byName(f.provider().name(), null, discovery);
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
