package dev.jgrad.api.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.Shape;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpRegistryTest {
  private static OpDef def(String name) {
    return OpDef.builder(name).arity(1).shapeRule((in, a) -> in.get(0)).build();
  }

  @Test
  void definitionsKernelsAndGradientsAreRegisteredSeparately() {
    OpRegistry r = new OpRegistry();
    assertTrue(r.register("defs", reg -> reg.define(def("acme::swish"))));
    assertTrue(r.register("cpu-kernels", reg -> reg.kernel("acme::swish", "cpu", c -> { })));
    assertTrue(r.register("grads", reg -> reg.gradient("acme::swish", ctx -> List.of())));
    assertEquals("defs", r.providerOf("acme::swish"));
    assertTrue(r.findKernel("acme::swish", "cpu").isPresent());
    assertTrue(r.gradient("acme::swish").isPresent());
    assertEquals(List.of("cpu"), r.backendsWithKernel("acme::swish"));
  }

  @Test
  void duplicatesNameBothProvidersAndLeaveTheRegistryUntouched() {
    OpRegistry r = new OpRegistry();
    r.register("first.Provider", reg -> reg.define(def("acme::op"))
        .kernel("acme::op", "cpu", c -> { }));
    assertFalse(r.register("second.Provider", reg -> reg.define(def("acme::other"))
        .kernel("acme::op", "cpu", c -> { })));
    assertTrue(r.failures().get(0).contains("first.Provider"), r.failures().toString());
    assertTrue(r.failures().get(0).contains("second.Provider"), r.failures().toString());
    assertTrue(r.failures().get(0).contains("two kernels for backend 'cpu'"));
    // the registry found the clash, not a provider's code: no exception (nor trace) to show
    assertEquals("op provider second.Provider failed: op acme::op has two kernels for backend"
        + " 'cpu': from first.Provider and from second.Provider", r.failures().get(0));
    assertFalse(r.isDefined("acme::other"), "a clashing provider registers nothing");
    assertFalse(r.register("third.Provider", reg -> reg.define(def("acme::op"))));
    assertTrue(r.failures().get(1).contains("defined twice: by first.Provider and by third.Provider"));
  }

  @Test
  void anOpTwoProvidersDefineCannotBeCalled() {
    OpRegistry r = new OpRegistry();
    r.register("acme.Ops", reg -> reg.define(def("acme::softplus")));
    r.register("other.Ops", reg -> reg.define(def("acme::softplus")).define(def("other::x")));
    // the first provider's definition stayed; running it would silently depend on jar order
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> r.definition("acme::softplus"));
    assertTrue(e.getMessage().contains("defined by two providers, acme.Ops and other.Ops")
        && e.getMessage().contains("remove the jar of one of them"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> r.kernel("acme::softplus", "cpu"));
  }

  @Test
  void aBrokenProviderIsReportedAndTheOthersStillLoad() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    assertTrue(r.isDefined("test::fine"), "the good provider loaded");
    assertEquals(1, r.failures().size(), r.failures().toString());
    String failure = r.failures().get(0);
    assertTrue(failure.contains(TestOpProviders.Broken.class.getName()), failure);
    assertTrue(failure.contains("cannot find its native library"), failure);
  }

  /** Listed after a provider that cannot load: it must still register. */
  public static final class AfterTheBadOne implements OpProvider {
    @Override
    public void register(OpRegistry.Registration r) {
      r.define(def("test::after"));
    }
  }

  @Test
  void aProviderCompiledForANewerJavaIsReportedAndTheOthersStillLoad(@TempDir Path dir)
      throws Exception {
    // A real class file with a major version no JVM reads yet (100: Java 56)
    byte[] classFile;
    try (InputStream in = TestOpProviders.Fine.class
        .getResourceAsStream("TestOpProviders$Fine.class")) {
      classFile = in.readAllBytes();
    }
    classFile[6] = 0;
    classFile[7] = 100;
    Files.createDirectories(dir.resolve("bad"));
    Files.write(dir.resolve("bad/TooNew.class"), classFile);
    Path services = dir.resolve("META-INF/services/" + OpProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "bad.TooNew\n" + AfterTheBadOne.class.getName() + "\n");
    OpRegistry r = new OpRegistry();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      r.loadProviders(loader); // threw UnsupportedClassVersionError, losing every provider
    }
    assertTrue(r.isDefined("test::fine") && r.isDefined("test::after"), r.ops().toString());
    String failure = r.failures().stream().filter(f -> f.contains("bad/TooNew")).findFirst()
        .orElseThrow(() -> new AssertionError(r.failures().toString()));
    assertTrue(failure.contains("compiled for a newer Java") && failure.contains("--release 17"),
        failure);
  }

  @Test
  void aProviderBuiltAgainstANewerJgradSaysSo() {
    OpRegistry r = new OpRegistry();
    assertFalse(r.register("newer.Provider", reg -> {
      throw new NoSuchMethodError("'float dev.jgrad.api.op.Attrs.getFloat(java.lang.String)'");
    }));
    String failure = r.failures().get(0);
    assertTrue(failure.contains("newer.Provider") && failure.contains("getFloat")
        && failure.contains("built against another jgrad version"), failure);
  }

  @Test
  void missingKernelsListTheBackendsThatHaveOne() {
    OpRegistry r = new OpRegistry();
    r.register("p", reg -> reg.define(def("acme::gelu")).kernel("acme::gelu", "cpu", c -> { }));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> r.kernel("acme::gelu", "cuda"));
    assertTrue(e.getMessage().contains("acme::gelu has no kernel for backend 'cuda'"));
    assertTrue(e.getMessage().contains("[cpu]"), e.getMessage());
    assertTrue(e.getMessage().contains("jgrad.kernel.fallback"), e.getMessage());
  }

  @Test
  void theCpuFallbackIsSuggestedOnlyForAnOpWithACpuKernel() {
    OpRegistry r = new OpRegistry();
    r.register("p", reg -> reg.define(def("acme::gelu")).kernel("acme::gelu", "cuda", c -> { }));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> r.kernel("acme::gelu", "cpu"));
    assertTrue(e.getMessage().contains("[cuda]. Run on one of those"), e.getMessage());
    assertFalse(e.getMessage().contains("jgrad.kernel.fallback"), e.getMessage());
  }

  @Test
  void aKernelOrGradientUnderAMisspeltNameIsNamedWhereTheOpLacksIt() {
    OpRegistry r = new OpRegistry();
    r.register("acme.Ops", reg -> reg.define(def("acme::softplus"))
        .kernel("acme::softpuls", "cpu", c -> { })
        .gradient("acme::sofplus", ctx -> List.of()));
    assertEquals("[acme::softpuls (cpu kernel, from acme.Ops), acme::sofplus (gradient rule,"
        + " from acme.Ops)]", r.strays().toString());
    UnsupportedOperationException k = assertThrows(UnsupportedOperationException.class,
        () -> r.kernel("acme::softplus", "cpu"));
    assertTrue(k.getMessage().contains("backends with a kernel: []. Register one with"
        + " Registration.kernel(\"acme::softplus\", \"cpu\", kernel)"), k.getMessage());
    assertTrue(k.getMessage().contains("misspelt name?): [acme::softpuls (cpu kernel"),
        k.getMessage());
    assertFalse(k.getMessage().contains("fallback"), k.getMessage());
    UnsupportedOperationException g = assertThrows(UnsupportedOperationException.class,
        () -> r.requireGradient("acme::softplus"));
    assertTrue(g.getMessage().contains("acme::sofplus (gradient rule, from acme.Ops)"),
        g.getMessage());
  }

  @Test
  void portableKernelsServeEveryBackendButOwnKernelsWin() {
    OpRegistry r = new OpRegistry();
    Kernel portable = c -> { };
    Kernel own = c -> { };
    r.register("p", reg -> reg.define(def("acme::x")).kernel("acme::x", OpRegistry.ANY_BACKEND,
        portable).kernel("acme::x", "cuda", own));
    assertEquals(portable, r.kernel("acme::x", "cpu"));
    assertEquals(own, r.kernel("acme::x", "cuda"));
  }

  @Test
  void badNamesArityAndUnknownOps() {
    assertThrows(IllegalArgumentException.class, () -> OpDef.builder("swish"));
    OpDef d = def("acme::one");
    TensorSpec spec = new TensorSpec(Shape.of(2), DType.FLOAT32);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.infer(List.of(spec, spec), Attrs.empty()));
    assertTrue(e.getMessage().contains("acme::one takes 1 input(s), got 2"), e.getMessage());
    IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
        () -> new OpRegistry().definition("acme::nope"));
    assertTrue(u.getMessage().contains("unknown op 'acme::nope'; the registered acme:: ops are"
        + " []"), u.getMessage());
    // a jar on the class path without its services entry is the usual cause, not a missing jar
    assertTrue(u.getMessage().contains("listing its OpProvider in META-INF/services/"
        + "dev.jgrad.api.op.OpProvider (a jar with a module-info: provides"), u.getMessage());
  }

  @Test
  void attrsAreTypedAndSayWhatIsMissing() {
    Attrs a = Attrs.of("axis", 1, "alpha", 0.5, "keep", true, "dims", new int[] {1, 2},
        "act", "relu");
    assertEquals(1, a.getInt("axis"));
    assertEquals("relu", a.getString("act"));
    IllegalArgumentException notText = assertThrows(IllegalArgumentException.class,
        () -> a.getString("axis"));
    assertTrue(notText.getMessage().contains("'axis' must be a String"), notText.getMessage());
    assertEquals(0.5, a.getDouble("alpha"));
    assertTrue(a.getBoolean("keep", false));
    assertEquals(2, a.getInts("dims")[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.getDouble("beta"));
    assertTrue(e.getMessage().contains("missing attribute 'beta'"), e.getMessage());
  }
}
