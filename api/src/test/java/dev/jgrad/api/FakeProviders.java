package dev.jgrad.api;

/** Backend providers on the api tests' classpath, to test discovery and selection. */
final class FakeProviders {
  private FakeProviders() {}

  /** Available, priority 5: selected when nothing is requested. */
  public static final class Good implements BackendProvider {
    @Override
    public String name() {
      return "good";
    }

    @Override
    public int priority() {
      return 5;
    }

    @Override
    public Availability probe() {
      return Availability.available();
    }

    @Override
    public Backend create() {
      return (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
          new Class<?>[] {Backend.class}, (p, m, a) -> m.getName().equals("name") ? "good" : null);
    }
  }

  /** Higher priority but unavailable, with a reason. */
  public static final class NoHardware implements BackendProvider {
    @Override
    public String name() {
      return "nohw";
    }

    @Override
    public int priority() {
      return 50;
    }

    @Override
    public Availability probe() {
      return Availability.unavailable("no accelerator card in this machine");
    }

    @Override
    public Backend create() {
      throw new AssertionError("create() must not be called on an unavailable backend");
    }
  }

  /** A probe that throws (and even with an Error) must not take selection down. */
  public static final class ThrowingProbe implements BackendProvider {
    @Override
    public String name() {
      return "throws";
    }

    @Override
    public int priority() {
      return 70;
    }

    @Override
    public Availability probe() {
      throw new UnsatisfiedLinkError("libnothing.so: cannot open shared object file");
    }

    @Override
    public Backend create() {
      throw new AssertionError("unreachable");
    }
  }
}
