package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.ServiceProviders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The registry of {@link ModuleType}s: describes a module tree as a {@link ModuleSpec} and
 * rebuilds one from it. {@link #global()} holds jgrad's layers and every
 * {@link ModuleTypeProvider} on the class or module path; tests and tools may make their own with
 * {@link #discover()} or {@link #builtIns()} and {@link #register}.
 *
 * <pre>{@code
 * ModuleSpec spec = ModuleTypes.global().describe(model);
 * Module copy = ModuleTypes.global().build(spec, DType.FLOAT32);   // same layers, fresh weights
 * }</pre>
 */
public final class ModuleTypes {
  /** Deeper trees of modules are refused: no network needs them, a hostile file might. */
  public static final int MAX_DEPTH = 16;

  private static volatile ModuleTypes global;

  private final Map<String, ModuleType<?>> byName = new LinkedHashMap<>();
  private final Map<Class<?>, ModuleType<?>> byClass = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  private ModuleTypes() {}

  /** jgrad's own layer types only. */
  public static ModuleTypes builtIns() {
    ModuleTypes types = new ModuleTypes();
    new BuiltinModuleTypes().moduleTypes().forEach(types::register);
    return types;
  }

  /** A fresh registry of every provider {@link ServiceLoader} finds (the built-ins among them). */
  public static ModuleTypes discover() {
    ModuleTypes types = new ModuleTypes();
    ServiceProviders.forEach(ServiceLoader.load(ModuleTypeProvider.class,
        Thread.currentThread().getContextClassLoader()), provider -> {
          try {
            provider.moduleTypes().forEach(types::register);
          } catch (RuntimeException e) {
            types.failures.add("module type provider " + provider.getClass().getName()
                + " failed: " + e.getMessage());
          }
        }, e -> types.failures.add("module type provider failed to load: " + e.getMessage()));
    if (!types.byName.containsKey("Linear")) { // no services file: a shaded jar that lost it
      new BuiltinModuleTypes().moduleTypes().forEach(types::register);
    }
    return types;
  }

  /** The registry shared by {@code Model} and checkpoints, discovered once. */
  public static ModuleTypes global() {
    ModuleTypes r = global;
    if (r == null) {
      synchronized (ModuleTypes.class) {
        if (global == null) {
          global = discover();
        }
        r = global;
      }
    }
    return r;
  }

  /** Adds {@code type}; a name or class registered twice fails naming both types. */
  public synchronized ModuleTypes register(ModuleType<?> type) {
    checkNotNull(type, "module type is null");
    ModuleType<?> sameName = byName.get(type.name());
    checkArgument(sameName == null, "module type name '%s' is taken by %s; %s needs another",
        type.name(), sameName, type);
    ModuleType<?> sameClass = byClass.get(type.moduleClass());
    checkArgument(sameClass == null, "%s is described by %s already; %s cannot describe it too",
        type.moduleClass().getName(), sameClass, type);
    byName.put(type.name(), type);
    byClass.put(type.moduleClass(), type);
    return this;
  }

  /** The names of the registered types, sorted. */
  public synchronized TreeSet<String> names() {
    return new TreeSet<>(byName.keySet());
  }

  /** Providers that failed to load, one line each (empty when all loaded). */
  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * The description of {@code module} and its children. Fails with a
   * {@link ModelDescriptionException} naming the first module no registered type describes.
   */
  public ModuleSpec describe(Module module) {
    checkNotNull(module, "module is null");
    ModuleType<?> type;
    synchronized (this) {
      type = byClass.get(module.getClass());
    }
    if (type == null) {
      throw new Undescribable(module);
    }
    return describeAs(type, module);
  }

  @SuppressWarnings("unchecked")
  private <M extends Module> ModuleSpec describeAs(ModuleType<M> type, Module module) {
    return type.describe((M) module, this);
  }

  /** {@link #describe}, or empty if some module in the tree has no type (a custom Module). */
  public Optional<ModuleSpec> describeIfKnown(Module module) {
    try {
      return Optional.of(describe(module));
    } catch (Undescribable e) {
      return Optional.empty();
    }
  }

  /**
   * Builds the module {@code spec} describes, its tensors in {@code dtype}. Fails with a
   * {@link ModelDescriptionException} naming the node for an unknown type, a bad field, a size
   * the layer refuses, or nesting deeper than {@link #MAX_DEPTH}.
   */
  public Module build(ModuleSpec spec, DType dtype) {
    checkNotNull(spec, "spec is null");
    checkNotNull(dtype, "dtype is null");
    int depth = spec.path().split("\\.", -1).length; // root = 1, root.layers[0] = 2, ...
    if (depth > MAX_DEPTH) {
      throw spec.error("modules nested deeper than " + MAX_DEPTH + " levels; no model jgrad"
          + " writes is this deep, so the description is damaged or not jgrad's");
    }
    ModuleType<?> type;
    synchronized (this) {
      type = byName.get(spec.type());
    }
    if (type == null) {
      throw spec.error(unknownType(spec.type()));
    }
    try {
      return type.build(spec, dtype, this);
    } catch (ModelDescriptionException e) {
      throw e;
    } catch (IllegalArgumentException e) { // the layer's own check of its sizes
      throw new ModelDescriptionException(spec.where() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code name} is not registered and what to do: a jar is found only through its services
   * file, and a class of that name on the path means the jar is there but its provider is not.
   */
  private String unknownType(String name) {
    String provider = ModuleTypeProvider.class.getName();
    String listIt = "list its ModuleTypeProvider in META-INF/services/" + provider
        + " (a jar with a module-info: provides " + provider + " with ... there)";
    return "unknown module type '" + name + "'; known types are " + names()
        + (failures().isEmpty() ? "" : "; module type providers that failed to load: "
            + failures())
        + (loadableModuleClass(name)
            ? ". Class " + name + " is on the class path, but its provider is not registered: "
            : ". If a plugin defines it, put its jar on the class path and ")
        + listIt;
  }

  /** Whether {@code name} names a Module subclass the context class loader can load. */
  private static boolean loadableModuleClass(String name) {
    try {
      return Module.class.isAssignableFrom(
          Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) { // a type name only
      return false;
    }
  }

  /** A module whose class no registered type describes. */
  private static final class Undescribable extends ModelDescriptionException {
    Undescribable(Module module) {
      super("no module type describes " + module.getClass().getName() + " (" + module
          + "), a custom Module?; register a ModuleType for it (a ModuleTypeProvider on the class"
          + " path), or save its weights alone, which needs no module type: "
          + "TorchStateDict.save(file, model) (PyTorch's torch.save(model.state_dict())), or "
          + "Checkpoint.save with the optimizer's state, and rebuild the model in code to load "
          + "them");
    }
  }
}
