package dev.jgrad.api;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Every provider of a service that {@link ServiceLoader} finds, where one broken jar does not
 * stop the others: backends, op providers, module types and ONNX lowerings are all found so.
 */
public final class ServiceProviders {
  private ServiceProviders() {}

  /**
   * Hands each provider {@code providers} finds to {@code found}, in its order. The caller makes
   * the ServiceLoader: on the module path only the module that declares {@code uses} may. One
   * that cannot be loaded goes to {@code failed} and the search goes on: a
   * ServiceConfigurationError (a constructor or static initializer that threw, a class that is
   * missing), or a LinkageError, which the class path's iterator lets through unwrapped (a plugin
   * compiled for a newer Java); the iterator has moved past that provider either way.
   */
  public static <S> void forEach(ServiceLoader<S> providers, Consumer<? super S> found,
      Consumer<? super Throwable> failed) {
    Iterator<S> it = providers.iterator();
    while (true) {
      S provider;
      try {
        if (!it.hasNext()) {
          return;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        failed.accept(e);
        continue;
      }
      found.accept(provider);
    }
  }
}
