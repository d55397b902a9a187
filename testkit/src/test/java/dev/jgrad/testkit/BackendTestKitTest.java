package dev.jgrad.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.MemoryAccounting;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.cpu.CpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The kit catches what a faulty backend gets wrong, and says so check by check. */
class BackendTestKitTest {
  /** What a fault may do instead of, or around, the CPU's own call. */
  private interface Fault {
    /** The result of the call, or {@link #DELEGATE} to let the CPU answer it. */
    Object apply(CpuBackend cpu, Method method, Object[] args) throws Throwable;
  }

  private static final Object DELEGATE = new Object();

  /**
   * The CPU backend behind the {@link Backend} interface only (so without FusedSgd), with one
   * fault: what the kit is for is finding such a thing.
   */
  private static Backend faulty(Fault fault) {
    CpuBackend cpu = new CpuBackend();
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class}, (proxy, method, args) -> {
          Object result = fault.apply(cpu, method, args);
          if (result != DELEGATE) {
            return result;
          }
          try {
            return method.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static List<String> failed(BackendTestReport report) {
    return report.failures().stream().map(CheckResult::check).toList();
  }

  @Test
  void aWrongResultFailsItsCheckOnlyAndAssertPassedListsIt() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("unary") && args[0] == UnaryOp.TANH) {
        cpu.unary(UnaryOp.TANH, (DeviceBuffer) args[1], (DeviceBuffer) args[2]);
        cpu.scalar(BinaryOp.MUL, (DeviceBuffer) args[2], 1.001, (DeviceBuffer) args[2]);
        return null;
      }
      return DELEGATE;
    })).only(n -> n.contains("unary")).run();
    assertEquals(List.of("unary(TANH) FLOAT32", "in place unary(TANH) FLOAT32",
        "unary(TANH) FLOAT64", "in place unary(TANH) FLOAT64", "special values unary(TANH) FLOAT32",
        "special values unary(TANH) FLOAT64"), failed(report));
    AssertionError e = assertThrows(AssertionError.class, report::assertPassed);
    assertTrue(e.getMessage().contains("the cpu backend failed 6 of "), e.getMessage());
    assertTrue(e.getMessage().contains("elements differ beyond 1.0E-5 relative"), e.getMessage());
  }

  @Test
  void aBackendWithoutFusedUpdatesHasTheirChecksSkippedNotPassed() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> DELEGATE))
        .only(n -> n.contains("sgdUpdate") || n.contains("adamUpdate")).run().assertPassed();
    assertEquals(List.of("sgdUpdate", "sgdUpdateFromProduct", "adamUpdate", "rejects sgdUpdate",
        "rejects adamUpdate"), report.skipped().stream().map(CheckResult::check).toList());
    assertTrue(report.skipped().get(0).detail().contains("does not implement FusedSgd"));
    assertTrue(report.skipped().get(1).detail().contains("does not implement FusedProductSgd"));
    assertTrue(report.skipped().get(2).detail().contains("does not implement FusedAdam"));
  }

  /**
   * The CPU backend reporting the bytes its buffers hold ({@link MemoryAccounting}): all it ever
   * handed out when its close() frees nothing, else only the open ones.
   */
  private static Backend accounting(boolean closeFrees) {
    CpuBackend cpu = new CpuBackend();
    List<DeviceBuffer> handedOut = new java.util.concurrent.CopyOnWriteArrayList<>();
    return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, MemoryAccounting.class}, (proxy, method, args) -> {
          if (method.getName().equals("bytesInUse")) {
            return handedOut.stream().filter(b -> !closeFrees || !b.isClosed())
                .mapToLong(b -> b.length() * b.dtype().byteSize()).sum();
          }
          Object result;
          try {
            result = method.invoke(cpu, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof DeviceBuffer b) {
            handedOut.add(b);
          }
          return result;
        });
  }

  @Test
  void aBackendWhoseCloseFreesNothingFailsNamingTheRule() {
    BackendTestReport report = BackendTestKit.of(accounting(false))
        .only(n -> n.equals("close frees memory")).run();
    assertEquals(List.of("close frees memory"), failed(report));
    String detail = report.failures().get(0).detail();
    assertTrue(detail.startsWith("close() freed 0 bytes of 4 FLOAT64 buffers of 65536 (2097152"
        + " bytes)"), detail);
    assertTrue(detail.endsWith("closing a buffer must give its memory back"
        + " (DeviceBuffer.close())"), detail);
    BackendTestKit.of(accounting(true)).only(n -> n.equals("close frees memory")).run()
        .assertPassed();
  }

  @Test
  void aBackendThatCannotShowItsMemoryHasTheCheckSkipped() {
    BackendTestReport report = BackendTestKit.of(Backends.byName("cpu"))
        .only(n -> n.equals("close frees memory")).run().assertPassed();
    assertEquals(List.of("close frees memory"),
        report.skipped().stream().map(CheckResult::check).toList());
    assertTrue(report.skipped().get(0).detail().contains("does not implement MemoryAccounting"));
  }

  @Test
  void theCpuBackendsProductSgdIsCheckedNotSkipped() {
    BackendTestReport report = BackendTestKit.of(Backends.byName("cpu"))
        .only(n -> n.contains("sgdUpdateFromProduct")).run().assertPassed();
    assertEquals(List.of("sgdUpdateFromProduct FLOAT32", "sgdUpdateFromProduct FLOAT64"),
        report.results().stream().filter(c -> c.status() == CheckResult.Status.PASSED)
            .map(CheckResult::check).toList());
  }

  @Test
  void theCpuBackendsFusedAdamWIsCheckedNotSkipped() {
    BackendTestReport report = BackendTestKit.of(Backends.byName("cpu"))
        .only(n -> n.contains("adamwUpdate")).run().assertPassed();
    assertEquals(List.of("adamwUpdate FLOAT32", "adamwUpdate FLOAT64",
        "adamwUpdateAll FLOAT32", "adamwUpdateAll FLOAT64",
        "rejects adamwUpdate: a bias root of two elements",
        "rejects adamwUpdate: a FLOAT32 step",
        "rejects adamwUpdateAll: a grad that another entry updates",
        "rejects adamwUpdateAll: a step scalar that an entry updates"),
        report.results().stream().filter(c -> c.status() == CheckResult.Status.PASSED)
            .map(CheckResult::check).toList());
    BackendTestReport without = BackendTestKit.of(faulty((cpu, m, args) -> DELEGATE))
        .only(n -> n.contains("adamwUpdate")).run().assertPassed();
    assertEquals(List.of("adamwUpdate", "rejects adamwUpdate"),
        without.skipped().stream().map(CheckResult::check).toList());
  }

  @Test
  void theCpuBackendsFusedAdamIsCheckedNotSkipped() {
    BackendTestReport report = BackendTestKit.of(Backends.byName("cpu"))
        .only(n -> n.contains("adamUpdate")).run().assertPassed();
    assertEquals(List.of("adamUpdate FLOAT32", "adamUpdate FLOAT64",
        "adamUpdateAll FLOAT32", "adamUpdateAll FLOAT64",
        "rejects adamUpdate: m = v", "rejects adamUpdate: a v of the wrong length",
        "rejects adamUpdate: a FLOAT32 rate", "rejects adamUpdate: a rate of two elements",
        "rejects adamUpdateAll: fewer ms than params",
        "rejects adamUpdateAll: a moment two entries update",
        "rejects adamUpdateAll: a bad entry, before updating any"),
        report.results().stream().filter(c -> c.status() == CheckResult.Status.PASSED)
            .map(CheckResult::check).toList());
  }

  @Test
  void writingBeforeABadIndexIsFailedAndSoIsAMessageWithoutThePrefix() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("indexSelect")) {
        cpu.fill((DeviceBuffer) args[5], 0); // written before the indices are read
      }
      if (m.getName().equals("transpose")) {
        try {
          return m.invoke(cpu, args);
        } catch (InvocationTargetException e) {
          throw new IllegalArgumentException("bad transpose"); // the contract's words lost
        }
      }
      return DELEGATE;
    })).only(n -> n.contains("indexSelect") || n.contains("transpose")).run();
    List<String> failed = failed(report);
    assertTrue(failed.contains("rejects indexSelect: index 3 FLOAT32"), failed.toString());
    assertTrue(failed.contains("rejects indexSelect: index -1 FLOAT64"), failed.toString());
    assertTrue(failed.contains("rejects transpose: out = x"), failed.toString());
    assertFalse(failed.contains("indexSelect FLOAT32"), "good indices still pass");
    String detail = report.failures().stream()
        .filter(r -> r.check().equals("rejects transpose: out = x")).findFirst().orElseThrow()
        .detail();
    assertTrue(detail.contains("does not start with \"transpose on the cpu backend: \""), detail);
    String written = report.failures().stream()
        .filter(r -> r.check().equals("rejects indexSelect: index 3 FLOAT32")).findFirst()
        .orElseThrow().detail();
    assertTrue(written.startsWith("threw as it should, but first wrote into a buffer it was "
        + "given (FLOAT32[2]: element 0 is 0.0, expected 5.0 bit for bit); a rejected call "
        + "writes nothing: check every argument, and every index value, before the first write"),
        written);
  }

  /** Zeros of the wrong sign: NEG as 0 - x, ABS as x < 0 ? -x : x. */
  @Test
  void aZeroOfTheWrongSignFailsTheSpecialValueChecks() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("unary") && (args[0] == UnaryOp.NEG || args[0] == UnaryOp.ABS)) {
        DeviceBuffer x = (DeviceBuffer) args[1];
        double[] v = new double[(int) x.length()];
        cpu.download(x, v);
        for (int i = 0; i < v.length; i++) {
          v[i] = args[0] == UnaryOp.NEG ? 0.0 - v[i] : v[i] < 0 ? -v[i] : v[i];
        }
        try (DeviceBuffer wrong = cpu.upload(v)) {
          cpu.convert(wrong, (DeviceBuffer) args[2]);
        }
        return null;
      }
      return DELEGATE;
    })).only(n -> n.contains("unary(NEG)") || n.contains("unary(ABS)")).run();
    assertEquals(List.of("special values unary(NEG) FLOAT32", "special values unary(NEG) FLOAT64",
        "special values unary(ABS) FLOAT32", "special values unary(ABS) FLOAT64"),
        failed(report).stream().sorted((a, b) -> a.contains("NEG") == b.contains("NEG")
            ? a.compareTo(b) : a.contains("NEG") ? -1 : 1).toList());
    String detail = report.failures().get(0).detail();
    assertTrue(detail.contains("or in the sign of a zero: element 3 is 0.0, expected -0.0"),
        detail);
  }

  /** A MAXIMUM that answers GREATER: the special-value failure shows the pairs it was given. */
  @Test
  void aSpecialValueFailureShowsThePairsItWasGiven() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("binary") && args[0] == BinaryOp.MAXIMUM) {
        cpu.binary(BinaryOp.GREATER, (DeviceBuffer) args[1], (dev.jgrad.api.Shape) args[2],
            (DeviceBuffer) args[3], (dev.jgrad.api.Shape) args[4], (DeviceBuffer) args[5],
            (dev.jgrad.api.Shape) args[6]); // 1 where a > b: wrong wherever it matters
        return null;
      }
      return DELEGATE;
    })).only(n -> n.equals("special values binary(MAXIMUM) FLOAT64")).run();
    String detail = report.failures().get(0).detail();
    assertTrue(detail.startsWith("pairs [[NaN, 1.0], [1.0, NaN], "), detail);
  }

  /** A second close() that throws, as a double free on a device would. */
  @Test
  void aCloseThatIsNotIdempotentIsNamedAsSuch() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("allocate") && (Long) args[1] == 5) { // the check's open buffer
        DeviceBuffer b = cpu.allocate((dev.jgrad.api.DType) args[0], 5);
        return Proxy.newProxyInstance(DeviceBuffer.class.getClassLoader(),
            new Class<?>[] {DeviceBuffer.class}, (p, bm, bargs) -> {
              if (bm.getName().equals("close") && b.isClosed()) {
                throw new IllegalStateException("double free");
              }
              return bm.invoke(b, bargs);
            });
      }
      return DELEGATE;
    })).only(n -> n.startsWith("allocate and close")).run();
    assertEquals(4, report.failures().size(), report.toString());
    assertTrue(report.failures().get(0).detail().startsWith("a second close() threw "
        + "java.lang.IllegalStateException: double free; closing twice must be harmless"),
        report.failures().get(0).detail());
  }

  /** Every check reads its results with download: a broken one is the first failure reported. */
  @Test
  void aBrokenDownloadIsReportedFirstAsItself() {
    BackendTestReport report = BackendTestKit.of(faulty((cpu, m, args) -> {
      if (m.getName().equals("download") && args[1] instanceof double[] out) {
        cpu.download((DeviceBuffer) args[0], out);
        if (out.length > 0) {
          out[out.length - 1] = 0; // the last element never copied: an off-by-one
        }
        return null;
      }
      return DELEGATE;
    })).only(n -> n.startsWith("upload and download") || n.startsWith("fill")
        || n.startsWith("copy ")).run();
    assertEquals("upload and download FLOAT32", report.failures().get(0).check());
    assertTrue(report.failures().get(0).detail().startsWith("download to double[]"),
        report.failures().get(0).detail());
    AssertionError e = assertThrows(AssertionError.class, report::assertPassed);
    assertTrue(e.getMessage().contains("fix the failed 'upload and download' checks first"),
        e.getMessage());
  }

  /**
   * A backend that holds the errors {@code deferred} accepts, thrown by the calls named
   * {@code methods}, back until the next synchronize(), as an asynchronous backend does.
   */
  private static Backend deferring(List<String> methods, Predicate<Throwable> deferred) {
    RuntimeException[] pending = new RuntimeException[1];
    return faulty((cpu, m, args) -> {
      if (m.getName().equals("synchronize") && pending[0] != null) {
        RuntimeException e = pending[0];
        pending[0] = null;
        throw e;
      }
      if (!methods.contains(m.getName())) {
        return DELEGATE;
      }
      try {
        m.invoke(cpu, args);
      } catch (InvocationTargetException e) {
        if (!deferred.test(e.getCause())) {
          throw e.getCause();
        }
        pending[0] = (RuntimeException) e.getCause();
      }
      return null;
    });
  }

  /** Bad index values reported at the next synchronisation, as the CUDA backend does. */
  @Test
  void anAsynchronousBackendMayReportBadIndicesAtTheNextSynchronisation() {
    BackendTestReport report = BackendTestKit.of(deferring(
        List.of("indexSelect", "indexAdd", "oneHot"), e -> e instanceof IndexOutOfBoundsException
            || e.getMessage().contains("not a whole number"))) // argument errors come at once
        .only(n -> n.contains("index") || n.contains("oneHot")).run().assertPassed();
    String detail = report.results().stream()
        .filter(r -> r.check().equals("rejects oneHot: index 100 FLOAT64")).findFirst()
        .orElseThrow().detail();
    assertTrue(detail.startsWith("IndexOutOfBoundsException at synchronize()"), detail);
  }

  @Test
  void anArgumentErrorDeferredToSynchronizeFails() {
    BackendTestReport report = BackendTestKit.of(deferring(List.of("reduce"), e -> true))
        .only(n -> n.startsWith("rejects reduce")).run();
    CheckResult r = report.failures().stream()
        .filter(f -> f.check().equals("rejects reduce: out = x")).findFirst().orElseThrow();
    assertTrue(r.detail().contains("must be thrown by the call"), r.detail());
  }
}
