package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;

/**
 * How one kind of module is written into a model description and rebuilt from it: its name in
 * the description, the class it describes, what it writes (hyper-parameters and children, never
 * weights) and how it builds a module from that. The rebuilt module must have the parameters and
 * buffers of the original under the same names and shapes, since the weights load by name.
 * Types reach a {@link ModuleTypes} registry through a {@link ModuleTypeProvider}.
 *
 * <pre>{@code
 * ModuleType.of("acme.Scale", Scale.class,
 *     (scale, spec, types) -> spec.set("factor", scale.factor()),
 *     (spec, dtype, types) -> new Scale(spec.number("factor")));
 * }</pre>
 */
public interface ModuleType<M extends Module> {
  /** The name in descriptions; a plugin's should carry its namespace, e.g. {@code acme.Scale}. */
  String name();

  /** The class this type describes (exactly that class, not its subclasses). */
  Class<M> moduleClass();

  /** What rebuilds {@code module}: {@code types} describes its children. */
  ModuleSpec describe(M module, ModuleTypes types);

  /**
   * A module as {@code spec} says, its tensors in {@code dtype} (their values are overwritten by
   * the saved ones); {@code types} builds its children. Bad fields fail with
   * {@link ModuleSpec#error}.
   */
  M build(ModuleSpec spec, DType dtype, ModuleTypes types);

  /** Writes the fields of a module into its node's builder. */
  @FunctionalInterface
  interface Describer<M> {
    /** Sets {@code module}'s fields on {@code spec}; {@code types} describes its children. */
    void describe(M module, ModuleSpec.Builder spec, ModuleTypes types);
  }

  /** Builds a module from its node. */
  @FunctionalInterface
  interface Factory<M> {
    /** As {@link ModuleType#build}: the module {@code spec} describes, tensors in {@code dtype}. */
    M build(ModuleSpec spec, DType dtype, ModuleTypes types);
  }

  /** A type from two functions, the usual way to write one. */
  static <M extends Module> ModuleType<M> of(String name, Class<M> moduleClass,
      Describer<? super M> describer, Factory<? extends M> factory) {
    checkArgument(name != null && !name.isBlank(), "a module type needs a name, e.g. acme.Scale");
    checkNotNull(moduleClass, "module type %s: moduleClass is null", name);
    checkNotNull(describer, "module type %s: describer is null", name);
    checkNotNull(factory, "module type %s: factory is null", name);
    return new ModuleType<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Class<M> moduleClass() {
        return moduleClass;
      }

      @Override
      public ModuleSpec describe(M module, ModuleTypes types) {
        ModuleSpec.Builder spec = ModuleSpec.builder(name);
        describer.describe(module, spec, types);
        return spec.build();
      }

      @Override
      public M build(ModuleSpec spec, DType dtype, ModuleTypes types) {
        return factory.build(spec, dtype, types);
      }

      @Override
      public String toString() {
        return name + " (" + moduleClass.getName() + ")";
      }
    };
  }
}
