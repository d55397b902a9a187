package dev.jgrad.autograd;

import dev.jgrad.api.Backend;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.Kernel;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpDef;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one path from the API to a kernel, for built-in and plugin ops alike: look up the op's
 * definition, check the inputs and infer the output with its shape rule, run the kernel for the
 * inputs' backend, and record a graph node when gradients are wanted.
 *
 * <pre>{@code
 * Tensor y = Ops.call(OpNames.LEAKY_RELU, Attrs.of(AttrKeys.ALPHA, 0.1), x);
 * }</pre>
 */
public final class Ops {
  /**
   * Each op's definition and kernel, by backend name and op name: two lookups rather than one by
   * a concatenated key, which built a string on every call.
   */
  private static final Map<String, Map<String, Resolved>> resolved = new ConcurrentHashMap<>();

  private record Resolved(OpDef def, Kernel kernel) {}

  private Ops() {}

  /** Calls the registered op {@code name} on {@code inputs}. */
  public static Tensor call(String name, Tensor... inputs) {
    return call(name, Attrs.empty(), inputs);
  }

  /** Calls the registered op {@code name} on {@code inputs} with attributes. */
  public static Tensor call(String name, Attrs attrs, Tensor... inputs) {
    return call(name, attrs, Arrays.asList(inputs));
  }

  /** Calls the registered op {@code name} on a list of inputs (variadic ops like concat). */
  public static Tensor call(String name, Attrs attrs, List<Tensor> inputs) {
    OpProfiler.checkSetting();
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(name + " needs at least one input tensor");
    }
    Backend backend = inputs.get(0).backend();
    List<TensorSpec> specs = new ArrayList<>(inputs.size());
    for (Tensor t : inputs) {
      if (t == null) {
        throw new NullPointerException(name + ": an input tensor is null");
      }
      t.checkOpenAsInput(name, specs.size());
      if (t.backend() != backend) {
        throw new IllegalArgumentException(name + ": inputs live on different backends ("
            + backend.name() + " and " + t.backend().name() + "); move them with to(backend)");
      }
      // dtypes are the definition's to check (OpDef#infer): index inputs are INT32
      specs.add(t.spec());
    }
    Resolved r = resolve(name, backend);
    TensorSpec outSpec = r.def().infer(specs, attrs);
    // An integer result (a cast to INT32, say) carries no gradient, as in PyTorch.
    boolean record = GradMode.isEnabled() && r.def().differentiable()
        && outSpec.dtype().isFloatingPoint() && anyRequiresGrad(inputs);
    Tensor out;
    if (OpProfiler.ENABLED) {
      long start = OpProfiler.start(backend);
      out = run(name, r.kernel(), backend, inputs, specs, attrs, outSpec);
      OpProfiler.stop(name, backend, start);
    } else {
      out = run(name, r.kernel(), backend, inputs, specs, attrs, outSpec);
    }
    Tensor viewed = aliasedInput(out, inputs);
    if (viewed != null) { // a view of an input (reshape): its in-place changes are the input's
      out.shareVersionOf(viewed);
    }
    if (record) {
      out.recordCreator(new Node(r.def(), attrs, List.copyOf(inputs), out.version()));
    }
    if (viewed == null) { // a view is not the scope's to free
      TensorScope.track(out);
    }
    return out;
  }

  /**
   * Whether a gradient is wanted for any input. A loop rather than a stream: this runs for every
   * op, and a stream pipeline costs time in the interpreter and compile time in the JIT while a
   * run's first steps are compiled.
   */
  private static boolean anyRequiresGrad(List<Tensor> inputs) {
    for (Tensor t : inputs) {
      if (t.requiresGrad()) {
        return true;
      }
    }
    return false;
  }

  /** The input whose buffer {@code out} shares, or null. */
  private static Tensor aliasedInput(Tensor out, List<Tensor> inputs) {
    for (Tensor t : inputs) {
      if (t.storage() == out.storage()) {
        return t;
      }
    }
    return null;
  }

  /**
   * Runs {@code kernel}: a view kernel on the inputs as they are; any other on dense inputs, views
   * copied first ({@link Tensor#materialize}) and those copies closed after, unless the output
   * adopted one (a composite returning its input). The graph records the views themselves, so
   * gradients reach what they view.
   */
  private static Tensor run(String name, Kernel kernel, Backend backend, List<Tensor> inputs,
      List<TensorSpec> specs, Attrs attrs, TensorSpec outSpec) {
    if (kernel instanceof ViewKernel view) {
      return view(view, backend, inputs.get(0), attrs, outSpec.shape());
    }
    List<Tensor> dense = new ArrayList<>(inputs);
    Tensor out = null;
    try {
      for (int i = 0; i < dense.size(); i++) { // one copy per view, even one passed twice
        Tensor t = inputs.get(i);
        if (!t.isContiguous()) {
          int first = inputs.indexOf(t);
          dense.set(i, first < i ? dense.get(first) : t.materialize());
        }
      }
      out = runDense(name, kernel, backend, dense, specs, attrs, outSpec);
      return out;
    } finally { // the copies go, also when a copy or the kernel failed
      for (int i = 0; i < dense.size(); i++) {
        Tensor d = dense.get(i);
        if (d != inputs.get(i) && dense.indexOf(d) == i
            && (out == null || d.storage() != out.storage())) {
          d.storage().close();
        }
      }
    }
  }

  /**
   * A view op's output: {@code in}'s buffer in the layout the kernel gives, or, when it gives
   * none, a dense copy of {@code in} in {@code outShape}.
   */
  private static Tensor view(ViewKernel kernel, Backend backend, Tensor in, Attrs attrs,
      Shape outShape) {
    StridedLayout layout = kernel.view(in.layout(), in.shape(), outShape, attrs);
    if (layout != null) {
      return Tensor.view(backend, in.storage(), outShape, layout);
    }
    Tensor dense = in.materialize();
    return Tensor.view(backend, dense.storage(), outShape, null);
  }

  private static Tensor runDense(String name, Kernel kernel, Backend backend,
      List<Tensor> inputs, List<TensorSpec> specs, Attrs attrs, TensorSpec outSpec) {
    if (kernel instanceof CompositeKernel composite) {
      Tensor result;
      try (NoGrad ignored = NoGrad.scope()) {
        result = composite.forward(inputs, attrs);
      } catch (RuntimeException | LinkageError e) { // a plugin's attribute read, an inner op
        throw OpFailure.of(name, failedOn(name, "composite", specs, attrs, outSpec), e);
      }
      if (!result.shape().equals(outSpec.shape()) || result.dtype() != outSpec.dtype()) {
        throw new IllegalStateException(name + ": its composite kernel returned "
            + result.spec() + " but the shape rule promised " + outSpec);
      }
      return Tensor.view(backend, result.storage(), outSpec.shape(), result.layoutOrNull());
    }
    List<DeviceBuffer> buffers = new ArrayList<>(inputs.size());
    for (Tensor t : inputs) {
      buffers.add(t.buffer());
    }
    DeviceBuffer out = TensorBuffers.allocate(backend, outSpec.dtype(), outSpec.shape(),
        () -> name + " on " + backend.name() + ", inputs " + specs + ", output " + outSpec);
    try {
      kernel.compute(new KernelCall(backend, buffers, specs, attrs, out, outSpec));
    } catch (RuntimeException | LinkageError e) {
      out.close();
      throw OpFailure.of(name, failedOn(name, backend.name(), specs, attrs, outSpec), e);
    }
    return Tensor.wrap(backend, out, outSpec.shape());
  }

  /** "op: its KIND kernel failed on [specs] with attributes {..} (output spec)". */
  private static String failedOn(String name, String kind, List<TensorSpec> specs, Attrs attrs,
      TensorSpec outSpec) {
    return name + ": its " + kind + " kernel failed on " + specs
        + (attrs.asMap().isEmpty() ? "" : " with attributes " + attrs) + " (output " + outSpec
        + ")";
  }

  private static Resolved resolve(String name, Backend backend) {
    Map<String, Resolved> forBackend =
        resolved.computeIfAbsent(backend.name(), b -> new ConcurrentHashMap<>());
    Resolved r = forBackend.get(name);
    if (r == null) {
      OpRegistry registry = OpRegistry.global();
      OpDef def = registry.definition(name);
      Kernel kernel = registry.findKernel(name, backend.name()).orElse(null);
      if (kernel == null && CpuFallbackKernel.enabled()
          && registry.findKernel(name, "cpu").isPresent()) {
        kernel = new CpuFallbackKernel(name, registry.findKernel(name, "cpu").get());
      }
      r = new Resolved(def, kernel != null ? kernel : registry.kernel(name, backend.name()));
      forBackend.put(name, r);
    }
    return r;
  }
}
