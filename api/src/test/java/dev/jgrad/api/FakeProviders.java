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
      return backendNamed("good");
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

  /** The fakes below get by with a name and a priority: below Good's, so Good stays selected. */
  abstract static class Named implements BackendProvider {
    private final String name;
    private final int priority;

    Named(String name, int priority) {
      this.name = name;
      this.priority = priority;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability probe() {
      return Availability.available();
    }

    @Override
    public Backend create() {
      return backendNamed(name);
    }
  }

  /** A backend that answers its name and nothing else. */
  static Backend backendNamed(String name) {
    return (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (p, m, a) -> m.getName().equals("name") ? name : null);
  }

  /** A probe that answers null instead of a reason. */
  public static final class NullProbe extends Named {
    public NullProbe() {
      super("nullprobe", 1);
    }

    @Override
    public Availability probe() {
      return null;
    }
  }

  /** Two providers of one name (two versions of a backend jar): neither may silently win. */
  public static final class TwinA extends Named {
    public TwinA() {
      super("twin", 2);
    }
  }

  /** The other "twin". */
  public static final class TwinB extends Named {
    public TwinB() {
      super("twin", 2);
    }
  }

  /** Available by its probe, but its device fails to start. */
  /** Refuses a setting of the user's, as the CPU backend refuses -Djgrad.cpu.threads=four. */
  public static final class BadSetting extends Named {
    public BadSetting() {
      super("badsetting", -1);
    }

    @Override
    public Backend create() {
      throw new IllegalArgumentException("-Dbadsetting.threads=four is not a whole number");
    }
  }

  public static final class FailingStart extends Named {
    public FailingStart() {
      super("failstart", 3);
    }

    @Override
    public Backend create() {
      throw new IllegalStateException("device init returned -3");
    }
  }

  /** Named "alias", but the backend it creates is named "good". */
  public static final class Misnamed extends Named {
    public Misnamed() {
      super("alias", 4);
    }

    @Override
    public Backend create() {
      return backendNamed("good");
    }
  }

  /** No name: skipped, not a NullPointerException in whatever selects a backend. */
  public static final class Nameless extends Named {
    public Nameless() {
      super(null, 4);
    }
  }

  /** Its constructor fails, as a static initializer loading a missing native library would. */
  public static final class BrokenConstructor extends Named {
    public BrokenConstructor() {
      super("broken", 4);
      throw new IllegalStateException("libbroken.so is missing");
    }
  }

  /** Counts its probes: a selection runs each probe once, however slow it is. */
  public static final class Counted extends Named {
    static final java.util.concurrent.atomic.AtomicInteger PROBES =
        new java.util.concurrent.atomic.AtomicInteger();

    public Counted() {
      super("counted", 0);
    }

    @Override
    public Availability probe() {
      PROBES.incrementAndGet();
      return Availability.available();
    }
  }
}
