package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.ServiceProviders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one registry of ops. Definitions, kernels per backend and gradient rules are registered
 * separately under the op's qualified name, as TensorFlow and PyTorch do; built-in ops and plugin
 * ops are registered the same way, by {@link OpProvider}s found with {@link ServiceLoader}.
 *
 * <p>Each provider registers into a staging {@link Registration} that is merged only when the
 * provider finished without error, so a broken provider is reported (class and cause) and leaves
 * no half-registered op behind. Registering the same definition, the same kernel for the same
 * backend, or the same gradient twice is an error naming both providers; an op two providers
 * define cannot be called at all, as which of the two ran would depend on the class path order.
 */
public final class OpRegistry {
  /** Backend name for kernels written against the backend primitives, which run anywhere. */
  public static final String ANY_BACKEND = "*";

  private static final Logger log = LoggerFactory.getLogger(OpRegistry.class);
  private static volatile OpRegistry global;
  private static final AtomicBoolean PRELOAD_STARTED = new AtomicBoolean();

  private final Map<String, Owned<OpDef>> definitions = new TreeMap<>();
  private final Map<String, Map<String, Owned<Kernel>>> kernels = new TreeMap<>();
  private final Map<String, Owned<GradientRule<?>>> gradients = new TreeMap<>();
  private final List<String> failures = new ArrayList<>();
  /** Ops two providers define, with the reason calls to them fail. */
  private final Map<String, String> contested = new TreeMap<>();

  private record Owned<V>(V value, String provider) {}

  /** A new, empty registry (tests and embedding); most code uses {@link #global()}. */
  public OpRegistry() {}

  /** The registry holding every {@link OpProvider} on the classpath, loaded on first use. */
  public static OpRegistry global() {
    OpRegistry r = global;
    if (r == null) {
      synchronized (OpRegistry.class) {
        if (global == null) {
          OpRegistry loaded = new OpRegistry();
          loaded.loadProviders(Thread.currentThread().getContextClassLoader());
          global = loaded;
        }
        r = global;
      }
    }
    return r;
  }

  /**
   * Starts loading {@link #global()} on a daemon thread, once per JVM, and returns at once: the
   * providers' classes and lambdas (a few hundred, 80-200 ms on a cold JVM) then load while the
   * caller does other start-up work, such as creating a backend and reading the data, instead of
   * inside the first op of the first training step. A {@link #global()} call that comes earlier
   * waits for the load to finish. The thread inherits the caller's context class loader, the
   * loader {@link #global()} would use on the caller's thread.
   */
  public static void preload() {
    if (global != null || PRELOAD_STARTED.getAndSet(true)) {
      return;
    }
    Thread t = new Thread(OpRegistry::global, "jgrad-op-registry");
    t.setDaemon(true);
    t.start();
  }

  /** Registers every {@link OpProvider} that {@code loader} finds; failures are kept, not thrown. */
  public synchronized void loadProviders(ClassLoader loader) {
    ServiceProviders.forEach(ServiceLoader.load(OpProvider.class, loader),
        provider -> register(provider.getClass().getName(), provider::register), e -> {
          // a LinkageError: a plugin compiled for a newer Java, or against another jgrad
          String msg = e instanceof LinkageError l
              ? "op provider failed to load: " + e + ProviderHints.linkage(l)
              : "op provider failed to load: " + e.getMessage()
                  + (e.getCause() != null ? " (cause: " + e.getCause() + ")" : "");
          failures.add(msg);
          log.error("{}; the other providers are unaffected", msg);
        });
  }

  /**
   * Registers what {@code body} contributes under the provider name {@code source}. Returns false
   * (and records the failure) if the body threw or clashed with an existing registration.
   */
  public synchronized boolean register(String source, Consumer<Registration> body) {
    Registration staging = new Registration(source);
    try {
      body.accept(staging);
      merge(staging);
      log.debug("op provider {} registered {} op(s), {} kernel(s), {} gradient(s)", source,
          staging.definitions.size(), staging.kernels.size(), staging.gradients.size());
      return true;
    } catch (Refused e) { // the registry's own check: a stack trace would show only the registry
      String msg = "op provider " + source + " failed: " + e.getMessage();
      failures.add(msg);
      log.error("{}; the other providers are unaffected", msg);
      return false;
    } catch (RuntimeException | LinkageError e) {
      String msg = "op provider " + source + " failed: " + e
          + (e instanceof LinkageError l ? ProviderHints.linkage(l) : "");
      failures.add(msg);
      log.error("{}; the other providers are unaffected", msg, e);
      return false;
    }
  }

  /**
   * A registration the registry's own checks refuse: a clash with one merged before, or a PTX
   * kernel whose arguments do not fit its entry point.
   */
  private static final class Refused extends IllegalStateException {
    Refused(String message) {
      super(message);
    }
  }

  private void merge(Registration r) {
    // Check everything first so that a clash leaves the registry untouched.
    List<String> clashes = new ArrayList<>();
    for (OpDef d : r.definitions) {
      Owned<OpDef> old = definitions.get(d.name());
      if (old != null) {
        clashes.add("op " + d.name() + " is defined twice: by " + old.provider() + " and by "
            + r.source);
        // Two jars meaning two things by one name: whichever the class path lists first would
        // run, silently, so neither does (ServiceLoader reads a provider class once, so this is
        // never one jar seen twice).
        contested.put(d.name(), "op " + d.name() + " is defined by two providers, "
            + old.provider() + " and " + r.source + ", so neither definition is used (which one"
            + " ran would depend on the class path order); remove the jar of one of them");
      }
    }
    if (!clashes.isEmpty()) {
      throw new Refused(String.join("; ", clashes));
    }
    for (KernelEntry k : r.kernels) {
      Owned<Kernel> old = kernels.getOrDefault(k.op, Map.of()).get(k.backend);
      if (old != null) {
        throw new Refused("op " + k.op + " has two kernels for backend '"
            + k.backend + "': from " + old.provider() + " and from " + r.source);
      }
    }
    for (KernelEntry k : r.kernels) {
      checkPtxArguments(k, r);
    }
    for (Map.Entry<String, GradientRule<?>> g : r.gradients.entrySet()) {
      Owned<GradientRule<?>> old = gradients.get(g.getKey());
      if (old != null) {
        throw new Refused("op " + g.getKey() + " has two gradient rules: from "
            + old.provider() + " and from " + r.source);
      }
    }
    r.definitions.forEach(d -> definitions.put(d.name(), new Owned<>(d, r.source)));
    r.kernels.forEach(k -> kernels.computeIfAbsent(k.op, o -> new TreeMap<>())
        .put(k.backend, new Owned<>(k.kernel, r.source)));
    r.gradients.forEach((op, g) -> gradients.put(op, new Owned<>(g, r.source)));
  }

  /**
   * A PTX kernel's arguments against its entry points' parameters, where the op's definition is
   * known (this provider's or one merged before): a mismatch found only on a GPU is garbage or a
   * fault there.
   */
  private void checkPtxArguments(KernelEntry k, Registration r) {
    if (!(k.kernel instanceof PtxKernel ptx)) {
      return;
    }
    OpDef def = r.definitions.stream().filter(d -> d.name().equals(k.op)).findFirst()
        .orElseGet(() -> definitions.containsKey(k.op) ? definitions.get(k.op).value() : null);
    if (def == null) {
      return; // a stray kernel, reported as such
    }
    try {
      ptx.checkArguments(def);
    } catch (IllegalArgumentException e) {
      throw new Refused(e.getMessage());
    }
  }

  /**
   * The definition of {@code op}, or an error naming it and the ops of its namespace; an op two
   * providers define is an IllegalStateException naming both.
   */
  public synchronized OpDef definition(String op) {
    String clash = contested.get(op);
    if (clash != null) {
      throw new IllegalStateException(clash);
    }
    Owned<OpDef> d = definitions.get(op);
    if (d == null) {
      String ns = op.contains("::") ? op.substring(0, op.indexOf("::") + 2) : "";
      List<String> similar = definitions.keySet().stream().filter(n -> n.startsWith(ns)).toList();
      throw new IllegalArgumentException("unknown op '" + op + "'"
          + (ns.isEmpty() ? " (ops are named namespace::op)" : "")
          + "; the registered " + (ns.isEmpty() ? "" : ns + " ") + "ops are " + similar
          + (failures.isEmpty() ? "" : "; providers that failed to load: " + failures)
          // a jar on the path whose provider is not declared is never looked at
          + ". Is the jar that provides it on the class path, listing its OpProvider in "
          + "META-INF/services/" + OpProvider.class.getName() + " (a jar with a module-info: provides "
          + OpProvider.class.getName() + " with ... there)?");
    }
    return d.value();
  }

  /** Whether some provider defined {@code op}. */
  public synchronized boolean isDefined(String op) {
    return definitions.containsKey(op);
  }

  /** The kernel for {@code op} on {@code backend}: the backend's own, else a portable one. */
  public synchronized Optional<Kernel> findKernel(String op, String backend) {
    Map<String, Owned<Kernel>> byBackend = kernels.getOrDefault(op, Map.of());
    Owned<Kernel> k = byBackend.get(backend);
    if (k == null) {
      k = byBackend.get(ANY_BACKEND);
    }
    return Optional.ofNullable(k).map(Owned::value);
  }

  /**
   * As {@link #findKernel}, but a missing kernel is an error naming the backends that have one
   * and any kernel registered under a name no provider defines (a misspelt op name).
   */
  public Kernel kernel(String op, String backend) {
    definition(op);
    return findKernel(op, backend).orElseThrow(() -> {
      List<String> with = backendsWithKernel(op);
      // the fallback runs the "cpu" kernel: suggesting it for an op without one sent authors
      // after a flag that changes nothing
      String advice = with.contains("cpu") ? "Run on one of those, or set "
          + "-Djgrad.kernel.fallback=cpu to run the CPU kernel with copies to and from the device"
          : with.isEmpty() ? "Register one with Registration.kernel(\"" + op + "\", \"" + backend
              + "\", kernel)" : "Run on one of those";
      return new UnsupportedOperationException("op " + op + " has no kernel for backend '"
          + backend + "'; backends with a kernel: " + with + ". " + advice + strayHint());
    });
  }

  /** Names of the backends with a kernel of their own for {@code op} ("*" means every backend). */
  public synchronized List<String> backendsWithKernel(String op) {
    return new ArrayList<>(new TreeSet<>(kernels.getOrDefault(op, Map.of()).keySet()));
  }

  /**
   * The gradient rule of {@code op}, if one was registered (an op without one cannot be
   * differentiated through).
   */
  public synchronized Optional<GradientRule<?>> gradient(String op) {
    return Optional.ofNullable(gradients.get(op)).map(Owned::value);
  }

  /**
   * The gradient rule of {@code op}, or an UnsupportedOperationException saying how to give it
   * one and naming any gradient registered under a name no provider defines.
   */
  public GradientRule<?> requireGradient(String op) {
    return gradient(op).orElseThrow(() -> new UnsupportedOperationException("op " + op
        + " has no gradient rule; register one with Registration.gradient, or mark the op"
        + " differentiable(false)" + strayHint()));
  }

  /** A kernel or gradient rule registered under an op name that no provider defines. */
  public record Stray(String op, String what, String provider) {
    @Override
    public String toString() {
      return op + " (" + what + ", from " + provider + ")";
    }
  }

  /**
   * Kernels and gradient rules registered under names no provider defines: almost always an op
   * name misspelt in {@link Registration#kernel} or {@link Registration#gradient}, which leaves
   * the op itself without them.
   */
  public synchronized List<Stray> strays() {
    List<Stray> out = new ArrayList<>();
    kernels.forEach((op, byBackend) -> {
      if (!definitions.containsKey(op)) {
        byBackend.forEach((b, k) -> out.add(new Stray(op, b.equals(ANY_BACKEND) ? "portable kernel"
            : b + " kernel", k.provider())));
      }
    });
    gradients.forEach((op, g) -> {
      if (!definitions.containsKey(op)) {
        out.add(new Stray(op, "gradient rule", g.provider()));
      }
    });
    return out;
  }

  private String strayHint() {
    List<Stray> strays = strays();
    return strays.isEmpty() ? "" : "; registered under op names no provider defines (a misspelt"
        + " name?): " + strays;
  }

  /** Every defined op name, sorted. */
  public synchronized List<String> ops() {
    return new ArrayList<>(definitions.keySet());
  }

  /** Which provider defined {@code op}. */
  public synchronized String providerOf(String op) {
    definition(op);
    return definitions.get(op).provider();
  }

  /** Providers that failed to load or register, with their class and cause. */
  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  private record KernelEntry(String op, String backend, Kernel kernel) {}

  /** What one provider registers; merged into the registry when the provider finishes. */
  public static final class Registration {
    private final String source;
    private final List<OpDef> definitions = new ArrayList<>();
    private final List<KernelEntry> kernels = new ArrayList<>();
    private final Map<String, GradientRule<?>> gradients = new LinkedHashMap<>();

    private Registration(String source) {
      this.source = source;
    }

    /** The provider's name, as errors will report it. */
    public String source() {
      return source;
    }

    /**
     * Defines an op. A name some provider already defined makes this provider's whole
     * registration fail when it is merged, naming both (nothing of it is registered).
     */
    public Registration define(OpDef def) {
      definitions.add(checkNotNull(def, "define(null) from %s", source));
      return this;
    }

    /** A kernel of {@code op} for the backend named {@code backend}, or {@link #ANY_BACKEND}. */
    public Registration kernel(String op, String backend, Kernel kernel) {
      kernels.add(new KernelEntry(checkNotNull(op), checkNotNull(backend), checkNotNull(kernel)));
      return this;
    }

    /**
     * The gradient rule of {@code op}: a second one from this provider is an
     * IllegalStateException at once; one another provider registered fails this registration.
     */
    public Registration gradient(String op, GradientRule<?> rule) {
      if (gradients.put(checkNotNull(op), checkNotNull(rule)) != null) {
        throw new IllegalStateException("op " + op + " has two gradient rules, both from " + source);
      }
      return this;
    }
  }
}
