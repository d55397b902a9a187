/**
 * The contracts: shapes and dtypes, the backend SPI and the op registry. Backends and op
 * providers are found with {@link java.util.ServiceLoader}, on the module path through their
 * modules' {@code provides} clauses and on the class path through {@code META-INF/services}.
 */
module dev.jgrad.api {
  requires com.google.common;
  requires org.slf4j;

  exports dev.jgrad.api;
  exports dev.jgrad.api.op;

  uses dev.jgrad.api.BackendProvider;
  uses dev.jgrad.api.op.OpProvider;
}
