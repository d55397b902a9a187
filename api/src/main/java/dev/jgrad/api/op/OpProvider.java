package dev.jgrad.api.op;

/**
 * Service interface through which op libraries, built-in and third-party alike, contribute op
 * definitions, kernels and gradient rules. A jar lists its provider in
 * {@code META-INF/services/dev.jgrad.api.op.OpProvider}.
 */
public interface OpProvider {
  /** Registers this provider's ops; called once, when the registry is first used. */
  void register(OpRegistry.Registration registration);
}
