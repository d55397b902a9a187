package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.op.PtxSignature;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.CUmodule;

/**
 * Runs kernels that plugins ship as PTX text (the api's {@code PtxKernel}): each distinct text is
 * JIT-loaded once, and each launch's arguments are converted and checked against the entry's
 * parameter list parsed from the PTX, so a plugin bug is an exception naming the kernel and the
 * argument instead of a GPU fault.
 */
final class PtxPluginLauncher {
  /** A loaded PTX text: its module, its signatures and the functions looked up so far. */
  private record Loaded(CUmodule module, Map<String, List<String>> signatures,
      Map<String, CUfunction> functions) {}

  /** Loads PTX text as a module (the driver's JIT); injected so tests can run without a GPU. */
  interface ModuleLoader {
    CUmodule load(String ptx, String what);
  }

  /** Looks an entry up in a loaded module; injected so tests can run without a GPU. */
  interface FunctionLookup {
    CUfunction find(CUmodule module, String entry, String what);
  }

  private final CudaContext context;
  private final Runnable makeCurrent;
  private final ModuleLoader loader;
  private final FunctionLookup lookup;
  private final Map<String, Loaded> modules = new ConcurrentHashMap<>();

  PtxPluginLauncher(CudaContext context) {
    this(context, context::makeCurrent, PtxModules::loadText, PtxModules::function);
  }

  PtxPluginLauncher(CudaContext context, Runnable makeCurrent, ModuleLoader loader,
      FunctionLookup lookup) {
    this.context = context;
    this.makeCurrent = makeCurrent;
    this.loader = loader;
    this.lookup = lookup;
  }

  /**
   * Loads {@code ptx} and looks up every entry in it, launching nothing; once per text.
   * {@link CudaBackend#capture} does this for the backend's own op kernels, so that no module is
   * loaded inside a capture (the relaxed capture mode allows it, but loading may synchronise).
   */
  void preload(String ptx, String what) {
    makeCurrent.run();
    Loaded loaded = loaded(ptx, what);
    for (String entry : loaded.signatures().keySet()) {
      function(loaded, entry);
    }
  }

  private Loaded loaded(String ptx, String what) {
    return modules.computeIfAbsent(ptx, text -> new Loaded(loader.load(text, what),
        PtxSignature.parse(text), new ConcurrentHashMap<>()));
  }

  private CUfunction function(Loaded loaded, String entry) {
    return loaded.functions().computeIfAbsent(entry,
        e -> lookup.find(loaded.module(), e, "plugin PTX"));
  }

  void launch(String ptx, String entry, DType dtype, int gridX, int blockX, List<Object> args,
      Function<DeviceBuffer, CudaBuffer> own) {
    if (gridX < 1 || blockX < 1 || blockX > 1024) {
      throw new IllegalArgumentException("PTX kernel " + entry + " on the cuda backend: invalid "
          + "geometry grid " + gridX + ", block " + blockX + " (grid >= 1, block 1..1024)");
    }
    // Before the module load and function lookup too: a plugin op may run on a thread (the
    // prefetcher, a user's pool) that has never made this context current.
    makeCurrent.run();
    Loaded loaded = loaded(ptx, "plugin PTX with entry " + entry);
    List<String> types = loaded.signatures().get(entry);
    if (types == null) {
      throw new IllegalArgumentException("PTX kernel on the cuda backend: no entry " + entry
          + " in its PTX; it has " + loaded.signatures().keySet());
    }
    List<CudaBuffer> buffers = new ArrayList<>();
    List<Pointer> params = convert(entry, types, args, dtype, b -> {
      CudaBuffer cb = own.apply(b);
      buffers.add(cb);
      return cb.pointer();
    });
    CUfunction f = function(loaded, entry);
    int result = cuLaunchKernel(f, gridX, 1, 1, blockX, 1, 1, 0, context.stream,
        Pointer.to(params.toArray(new NativePointerObject[0])), null);
    if (result != CUresult.CUDA_SUCCESS) { // the message only when it is needed: every launch
      CudaDriver.check(result, "launching plugin kernel " + entry + " (grid " + gridX
          + ", block " + blockX + ")");
    }
    context.activity.kernelLaunch();
    Reference.reachabilityFence(buffers);
  }

  /**
   * The kernel parameters for {@code args}: buffers become device pointers (the backend's own
   * {@link CUdeviceptr}s stay pointers; a null pointer is passed as {@code 0L}), Integer an int,
   * Long a long, Float a float, Double a float for FLOAT32 calls and a double otherwise (as the
   * api's PtxKernel documents), and the backend's own {@link KernelStruct} its bytes. Each must
   * fit the PTX parameter at its position.
   */
  static List<Pointer> convert(String entry, List<String> ptxTypes, List<Object> args,
      DType dtype, Function<DeviceBuffer, CUdeviceptr> pointerOf) {
    if (args.size() != ptxTypes.size()) {
      throw new IllegalArgumentException("PTX kernel " + entry + " on the cuda backend takes "
          + ptxTypes.size() + " parameters " + ptxTypes + " but " + args.size()
          + " arguments were given");
    }
    List<Pointer> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      String t = ptxTypes.get(i);
      String kind = a instanceof CUdeviceptr ? PtxSignature.WORD64 // the backend's own
          : a instanceof KernelStruct s ? ".b8[" + s.bytes().length + "]" // fused.cu's SgdBatch
          : PtxSignature.kindOf(a, dtype);
      if (kind == null) {
        throw new IllegalArgumentException("PTX kernel " + entry + " on the cuda backend: "
            + "argument " + (i + 1) + " is a " + (a == null ? "null" : a.getClass().getName())
            + "; only DeviceBuffer, Integer, Long, Float and Double can be passed");
      }
      Pointer p = a instanceof DeviceBuffer b ? Pointer.to(pointerOf.apply(b))
          : a instanceof CUdeviceptr d ? Pointer.to(d)
          : a instanceof Integer v ? Pointer.to(new int[] {v})
          : a instanceof Long v ? Pointer.to(new long[] {v})
          : a instanceof Float v ? Pointer.to(new float[] {v})
          : a instanceof KernelStruct s ? Pointer.to(s.bytes())
          : kind.equals(PtxSignature.F32) ? Pointer.to(new float[] {((Double) a).floatValue()})
          : Pointer.to(new double[] {(Double) a});
      if (!PtxSignature.fits(kind, t)) {
        throw new IllegalArgumentException("PTX kernel " + entry + " on the cuda backend: "
            + "argument " + (i + 1) + " (" + (a instanceof DeviceBuffer ? "a buffer"
            : a instanceof KernelStruct ? "a struct of " + kind : a + " as " + kind)
            + ") does not fit PTX parameter type " + t + " (declared " + ptxTypes + ")");
      }
      out.add(p);
    }
    return out;
  }
}
