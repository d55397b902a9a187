package dev.jgrad.api.op;

/** Op providers on the api tests' classpath: one that works, one that fails while registering. */
final class TestOpProviders {
  private TestOpProviders() {}

  public static final class Fine implements OpProvider {
    /** The thread that registered this provider last, and its context class loader then. */
    static volatile String registeredOn;
    static volatile ClassLoader registeredWith;

    @Override
    public void register(OpRegistry.Registration r) {
      registeredOn = Thread.currentThread().getName();
      registeredWith = Thread.currentThread().getContextClassLoader();
      r.define(OpDef.builder("test::fine").arity(1).shapeRule((in, a) -> in.get(0)).build());
    }
  }

  public static final class Broken implements OpProvider {
    @Override
    public void register(OpRegistry.Registration r) {
      r.define(OpDef.builder("test::broken").arity(1).shapeRule((in, a) -> in.get(0)).build());
      throw new IllegalStateException("cannot find its native library");
    }
  }
}
