package dev.jgrad.nn;

import java.util.List;

/**
 * Service interface through which {@link ModuleTypes} finds module types with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.jgrad.nn.ModuleTypeProvider} (and {@code provides} it in a
 * module-info), as jgrad's own layers are ({@link BuiltinModuleTypes}).
 */
public interface ModuleTypeProvider {
  /** The types this jar contributes. */
  List<ModuleType<?>> moduleTypes();
}
