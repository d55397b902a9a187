package dev.jgrad.train;

import dev.jgrad.api.Backend;
import dev.jgrad.api.Backends;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.GraphCapture;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The CPU backend capturing as a CUDA graph does, for tests without a GPU: while capturing, each
 * primitive call is recorded with its arguments (buffers by reference, lists of buffers too, as a
 * batch update's launch holds their addresses; scalars by value) instead of run, and a launch runs the recorded calls again, no Java code of the step; allocations run
 * at once (as cuMemAlloc does); host copies and waits are refused; host work registered with
 * {@code beforeEachLaunch} runs before each launch. Buffers allocated or released
 * during a capture stay open until the capture is closed, as a CUDA graph's pool keeps them. So a
 * step replayed here gets exactly what a replayed CUDA graph would get from the Java side: the
 * scalars and buffers of the captured step, none of its Java state updates.
 */
final class RecordingCaptureBackend implements InvocationHandler {
  static final String NAME = "recording";

  private final Backend cpu = Backends.byName("cpu");
  private final Backend proxy;
  private List<Object[]> recording; // {method, args} or {kernel work, null} while capturing
  private List<Buffer> heldByCapture; // released during the capture: closed when it is
  private List<Runnable> beforeEachLaunch; // the capture's host work before each launch
  private final Set<Object> owners = Collections.newSetFromMap(new IdentityHashMap<>());
  final List<String> events = new ArrayList<>();
  /** The names of the calls the last capture recorded ("kernel" for an op kernel's work). */
  final List<String> lastCapture = new ArrayList<>();

  RecordingCaptureBackend() {
    proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
        new Class<?>[] {Backend.class, FusedSgd.class, FusedAdam.class, FusedAdamW.class,
            GraphCapture.class}, this);
  }

  Backend backend() {
    return proxy;
  }

  /** The recording backend behind {@code proxy}, one of this class's backends. */
  static RecordingCaptureBackend of(Backend proxy) {
    return (RecordingCaptureBackend) Proxy.getInvocationHandler(proxy);
  }

  /**
   * An op kernel's device work ({@link RecordingKernels}): recorded while capturing, as a
   * primitive call is, else run now. It must read its buffers when it runs, as a kernel does.
   */
  void runOrRecord(Runnable deviceWork) {
    if (recording != null) {
      recording.add(new Object[] {deviceWork, null});
    } else {
      deviceWork.run();
    }
  }

  /** The CPU buffer behind one of this backend's buffers. */
  static DeviceBuffer real(DeviceBuffer buffer) {
    return ((Buffer) buffer).real;
  }

  /** A CPU buffer seen as this backend's; its close waits for the capture that holds it. */
  private final class Buffer implements DeviceBuffer {
    final DeviceBuffer real;
    List<Buffer> owner; // the capture's list that keeps it, or null
    boolean closed;

    Buffer(DeviceBuffer real) {
      this.real = real;
      this.owner = heldByCapture;
    }

    @Override
    public DType dtype() {
      return real.dtype();
    }

    @Override
    public long length() {
      return real.length();
    }

    @Override
    public String backendName() {
      return NAME;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      List<Buffer> keeper = owner != null ? owner : heldByCapture;
      if (keeper != null) {
        keeper.add(this); // a capture may replay into it: closed with the capture
      } else {
        real.close();
      }
    }
  }

  @Override
  public Object invoke(Object p, Method m, Object[] args) throws Throwable {
    String name = m.getName();
    switch (name) {
      case "name":
        return NAME;
      case "isCapturing":
        return recording != null;
      case "capture":
        return capture((Runnable) args[0]);
      case "beforeEachLaunch":
        if (recording == null) {
          throw new IllegalStateException("recording backend: beforeEachLaunch outside a capture");
        }
        if (!owners.add(args[0])) {
          throw new IllegalStateException("recording backend: " + args[0] + " is used twice in "
              + "one captured step");
        }
        beforeEachLaunch.add((Runnable) args[1]);
        return null;
      case "download":
      case "synchronize":
      case "upload":
        if (recording != null) {
          throw new IllegalStateException("recording backend: " + name + " while capturing");
        }
        break;
      default:
        break;
    }
    if (m.getReturnType() == DeviceBuffer.class) { // allocate, upload: now, not recorded
      return new Buffer((DeviceBuffer) run(m, args));
    }
    if (recording != null && m.getReturnType() == void.class) {
      recording.add(new Object[] {m, args == null ? null : args.clone()});
      return null;
    }
    return run(m, args);
  }

  private GraphCapture.Replay capture(Runnable work) {
    if (recording != null) {
      throw new IllegalStateException("recording backend: captures do not nest");
    }
    List<Object[]> calls = new ArrayList<>();
    List<Buffer> held = new ArrayList<>();
    List<Runnable> hostWork = new ArrayList<>();
    recording = calls;
    heldByCapture = held;
    beforeEachLaunch = hostWork;
    owners.clear();
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      held.forEach(b -> b.real.close());
      throw e;
    } finally {
      recording = null;
      heldByCapture = null;
      beforeEachLaunch = null;
    }
    events.add("capture " + calls.size() + " calls");
    lastCapture.clear();
    calls.forEach(c -> lastCapture.add(c[0] instanceof Method m ? m.getName() : "kernel"));
    return new GraphCapture.Replay() {
      @Override
      public void launch() {
        hostWork.forEach(Runnable::run);
        for (Object[] c : calls) {
          if (c[0] instanceof Runnable deviceWork) {
            deviceWork.run();
          } else {
            run((Method) c[0], (Object[]) c[1]);
          }
        }
      }

      @Override
      public void close() {
        held.forEach(b -> b.real.close());
        held.clear();
      }
    };
  }

  /**
   * Runs a call on the CPU backend, this backend's buffers swapped for the CPU's, in lists too (a
   * batch update's; a null entry stays null).
   */
  private Object run(Method m, Object[] args) {
    Object[] real = args == null ? null : args.clone();
    if (real != null) {
      for (int i = 0; i < real.length; i++) {
        if (real[i] instanceof Buffer b) {
          real[i] = b.real;
        } else if (real[i] instanceof List<?> list) {
          real[i] = list.stream().map(x -> x instanceof Buffer b ? b.real : x).toList();
        }
      }
    }
    try {
      return m.invoke(cpu, real);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
