package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A GPU kernel given as PTX text: the entry point per dtype, the launch geometry and the kernel
 * arguments, all computed from the {@link KernelCall}. A backend that can run PTX implements
 * {@link Launcher}; plugins register a {@code PtxKernel} for that backend's name and never touch
 * backend classes.
 *
 * <pre>{@code
 * String ptx = PtxKernel.resource(Swish.class, "/acme/swish.ptx");
 * registration.kernel("acme::swish", "cuda", PtxKernel.builder(ptx)
 *     .entry(DType.FLOAT32, "swish_f32").entry(DType.FLOAT64, "swish_f64")
 *     .elementwise()   // one thread per output element, 256 per block
 *     .args(c -> List.of(c.input(0), c.output(), c.attrs().getDouble("beta"),
 *         c.output().length()))
 *     .build());
 * }</pre>
 *
 * <p>Arguments may be {@link dev.jgrad.api.DeviceBuffer}s (passed as device pointers),
 * {@code Integer}, {@code Long}, {@code Float} or {@code Double}; a {@code Double} is passed as a
 * {@code float} when the call's dtype is FLOAT32, so one argument list serves both entry points.
 */
public final class PtxKernel implements Kernel {
  /** What a backend able to run PTX implements. */
  public interface Launcher {
    /** Runs {@code kernel}'s entry point for the call's dtype with its geometry and arguments. */
    void launch(PtxKernel kernel, KernelCall call);
  }

  /** Grid and block sizes in x (1-D launches cover what ops need). */
  public record Geometry(int gridX, int blockX) {}

  private final String ptx;
  private final Map<String, List<String>> signatures;
  private final Map<DType, String> entries;
  private final Function<KernelCall, Geometry> geometry;
  private final Function<KernelCall, List<Object>> args;

  private PtxKernel(Builder b) {
    this.ptx = b.ptx;
    this.entries = Collections.unmodifiableMap(new EnumMap<>(b.entries)); // checked in dtype order
    this.geometry = checkNotNull(b.geometry, "set the launch geometry (elementwise() or geometry)");
    this.args = checkNotNull(b.args, "set the kernel arguments with args(...)");
    checkArgument(!entries.isEmpty(), "name at least one entry point with entry(dtype, name)");
    // A misspelt entry otherwise fails only at launch, on a GPU: check it wherever the provider
    // registers, so the test kit reports it on a machine without one.
    this.signatures = PtxSignature.parse(ptx);
    for (String entry : entries.values()) {
      checkArgument(signatures.containsKey(entry), "PTX kernel: entry point %s is not in its PTX,"
          + " whose entries are %s", entry, signatures.keySet());
    }
  }

  /**
   * Checks, without a GPU, that each entry point's parameters take what {@link #args} passes for
   * {@code def}'s op: as many, each of a fitting kind ({@link PtxSignature#fits}). A mismatch
   * otherwise shows only on a GPU, as garbage or a fault. The arguments are computed for a
   * stand-in call ({@link ProbeCall}); where none can be made or {@code args} needs more than
   * it holds (attributes, say), nothing is known and nothing is checked here (the launch checks).
   */
  void checkArguments(OpDef def) {
    for (Map.Entry<DType, String> e : entries.entrySet()) {
      KernelCall call = ProbeCall.of(def, e.getKey());
      List<Object> passed;
      try {
        passed = call == null ? null : args.apply(call);
      } catch (RuntimeException unknowable) {
        passed = null;
      }
      if (passed != null) {
        checkFit(def, e.getKey(), passed);
      }
    }
  }

  /**
   * As registration checks a stand-in call, but for a real one: {@code def}'s op on inputs of
   * {@code inputShapes} (of each entry's dtype, indices INT32) with {@code attrs}, so arguments
   * that need attributes are checked too. The test kit runs it on its calls, on any machine.
   *
   * @throws IllegalArgumentException naming op, entry and both lists where they do not fit, or
   *     where the shape rule rejects the call or {@code args} throws for it
   */
  public void checkArguments(OpDef def, List<Shape> inputShapes, Attrs attrs) {
    for (Map.Entry<DType, String> e : entries.entrySet()) {
      KernelCall call = ProbeCall.of(def, e.getKey(), inputShapes, attrs);
      List<Object> passed;
      try {
        passed = args.apply(call);
      } catch (RuntimeException thrown) {
        throw new IllegalArgumentException(def.name() + ": args(...) of PTX entry " + e.getValue()
            + " threw " + thrown + " for inputs " + call.inputSpecs() + " and attributes " + attrs
            + "; a launch of this call would fail the same way", thrown);
      }
      checkFit(def, e.getKey(), passed);
    }
  }

  /** Fails naming op, entry and both lists unless {@code passed} fits the entry for dtype. */
  private void checkFit(OpDef def, DType dtype, List<Object> passed) {
    String entry = entries.get(dtype);
    List<String> declared = signatures.get(entry);
    List<String> kinds = new ArrayList<>();
    boolean fits = passed.size() == declared.size();
    for (int i = 0; i < passed.size(); i++) {
      Object arg = passed.get(i);
      String kind = PtxSignature.kindOf(arg, dtype);
      kinds.add(arg instanceof DeviceBuffer ? "buffer" : arg == null ? "null"
          : arg.getClass().getSimpleName() + (arg instanceof Double ? " (" + kind + ")" : ""));
      fits &= kind == null || i >= declared.size() || PtxSignature.fits(kind, declared.get(i));
    }
    checkArgument(fits, "%s: PTX entry %s declares parameters %s but args(...) passes %s for"
        + " %s; make them agree, one argument per .param in order (a buffer or Long for .u64,"
        + " an Integer for .u32, a Float or Double for .f32, a Double for .f64 in a FLOAT64"
        + " entry)", def.name(), entry, declared, kinds, dtype);
  }

  /** Starts a kernel from PTX text, which must contain at least one {@code .entry}. */
  public static Builder builder(String ptx) {
    return new Builder(ptx);
  }

  /**
   * Reads a PTX file shipped as a resource of {@code owner}'s jar. A plugin that is a named module
   * must open the resource's package to {@code dev.jgrad.api} (which reads it), else the resource
   * is not found.
   */
  public static String resource(Class<?> owner, String path) {
    try (var in = owner.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("PTX resource " + path + " not found next to "
            + owner.getName() + encapsulation(owner.getModule(), packageOf(owner, path)));
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read PTX resource " + path, e);
    }
  }

  /** The package a resource name is in, as Class.getResourceAsStream resolves the name. */
  private static String packageOf(Class<?> owner, String path) {
    if (!path.startsWith("/")) {
      return owner.getPackageName();
    }
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "" : path.substring(1, slash).replace('/', '.');
  }

  /**
   * Why a named module's resource may be unreadable here: the lookup runs in this module, and a
   * module's resources in a package it does not open to the caller are invisible (null, as if
   * missing), so a plugin that works on the class path loses its PTX on the module path.
   */
  private static String encapsulation(Module module, String pkg) {
    Module reader = PtxKernel.class.getModule();
    if (!module.isNamed() || !module.getPackages().contains(pkg) || module.isOpen(pkg, reader)) {
      return "";
    }
    String readerName = reader.isNamed() ? reader.getName() : "dev.jgrad.api";
    return "; module " + module.getName() + " does not open package " + pkg + " to "
        + readerName + ", so its resources there cannot be read: add 'opens " + pkg + " to "
        + readerName + ";' to its module-info";
  }

  /** The PTX text, as given to the builder. */
  public String ptx() {
    return ptx;
  }

  /** The entry point for {@code dtype}, or an error naming the dtypes that have one. */
  public String entry(DType dtype) {
    String e = entries.get(dtype);
    if (e == null) {
      throw new UnsupportedOperationException("this PTX kernel has no entry point for " + dtype
          + "; it has " + entries.keySet());
    }
    return e;
  }

  /** The launch geometry for {@code call}. */
  public Geometry geometry(KernelCall call) {
    return geometry.apply(call);
  }

  /** The kernel arguments for {@code call}, in the entry point's parameter order. */
  public List<Object> args(KernelCall call) {
    return args.apply(call);
  }

  @Override
  public void compute(KernelCall call) {
    if (!(call.backend() instanceof Launcher launcher)) {
      throw new UnsupportedOperationException("backend '" + call.backend().name()
          + "' cannot run PTX kernels (entry " + entries.values() + ")");
    }
    launcher.launch(this, call);
  }

  /** Builder for {@link PtxKernel}. */
  public static final class Builder {
    private final String ptx;
    private final Map<DType, String> entries = new EnumMap<>(DType.class);
    private Function<KernelCall, Geometry> geometry;
    private Function<KernelCall, List<Object>> args;

    private Builder(String ptx) {
      checkArgument(ptx != null && ptx.contains(".entry"),
          "PTX text must contain at least one .entry; was the resource found?");
      this.ptx = ptx;
    }

    /**
     * The entry point (a {@code .entry} name in the PTX) to launch for inputs of {@code dtype}.
     */
    public Builder entry(DType dtype, String name) {
      entries.put(dtype, checkNotNull(name));
      return this;
    }

    /** The grid and block sizes for a call; see {@link #elementwise()} for the common case. */
    public Builder geometry(Function<KernelCall, Geometry> geometry) {
      this.geometry = geometry;
      return this;
    }

    /** One thread per output element, 256 threads per block. */
    public Builder elementwise() {
      return geometry(c -> new Geometry(
          (int) Math.max(1, (c.output().length() + 255) / 256), 256));
    }

    /**
     * The arguments for a call, in the entry point's parameter order (see the class comment for the
     * types).
     */
    public Builder args(Function<KernelCall, List<Object>> args) {
      this.args = args;
      return this;
    }

    /** The kernel; fails without an entry point, a geometry or arguments. */
    public PtxKernel build() {
      return new PtxKernel(this);
    }
  }
}
