/**
 * The test kits: {@code OpTestKit} for plugin ops and {@code BackendTestKit} for backends. The
 * CPU backend, the reference every backend is compared with, is found with ServiceLoader.
 */
module dev.jgrad.testkit {
  requires transitive dev.jgrad.autograd;
  requires com.google.common;

  exports dev.jgrad.testkit;
}
