package dev.jgrad.cuda;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphGetNodes;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.jgrad.api.Backend;
import dev.jgrad.api.BackendContract;
import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.FusedAdam;
import dev.jgrad.api.FusedAdamW;
import dev.jgrad.api.FusedProductSgd;
import dev.jgrad.api.FusedSgd;
import dev.jgrad.api.GraphCapture;
import dev.jgrad.api.MemoryAccounting;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.Shape;
import dev.jgrad.api.SystemProperties;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.PtxKernel;
import java.lang.ref.Reference;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUresult;
import jcuda.driver.CUstreamCaptureMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend: every primitive of {@link Backend} on one NVIDIA GPU, for FLOAT32 and
 * FLOAT64 (INT32 indices and UINT8 stored data are moved and converted), with JCuda's driver API
 * (context, memory, stream, kernels from the PTX this jar carries) and cuBLAS for matrix
 * products.
 *
 * <p>Behaviour beyond the {@link Backend} contract:
 * <ul>
 *   <li>Calls are asynchronous: they queue work on one stream and return. {@link #download} and
 *       {@link #synchronize} wait for it.
 *   <li>A bad index (out of range) in {@link #indexSelect}, {@link #indexAdd} or
 *       {@link #oneHot} is detected on the GPU, which skips that element (gathers write 0) and
 *       sets a device-side error flag. The exception every backend throws for it
 *       ({@link IndexOutOfBoundsException}) is thrown by the next {@link #synchronize()} or
 *       {@link #download}, not by the call itself.
 *   <li>INT32 data is copied and gathered by the FLOAT32 kernels ({@link #moved}): they move
 *       4-byte words bit for bit. UINT8 data has its own 1-byte copy and gather kernels.
 *   <li>Every length, range and shape is checked on the host before a kernel is launched.
 *   <li>Memory comes from a caching allocator ({@link #memoryStats()}); closing a buffer returns
 *       its block to the cache at once, an unclosed buffer is reclaimed by a Cleaner after GC.
 *       Out of device memory is a {@link DeviceOutOfMemoryException}, after emptying the cache.
 *   <li>MAX and ARGMAX propagate NaN (the first NaN wins); RELU keeps NaN; MAXIMUM and MINIMUM
 *       return NaN when either input is NaN, like {@link Math#max}.
 *   <li>Host copies ({@link #upload}, {@link #download}) are synchronous.
 * </ul>
 *
 * <p>Thread-safe: calls from several threads are queued on the one stream in the order they
 * arrive.
 */
public final class CudaBackend
    implements Backend, MemoryAccounting, FusedSgd, FusedAdam, FusedAdamW, FusedProductSgd,
    GraphCapture, PtxKernel.Launcher {
  /** The backend's name, {@value}, for {@code -Djgrad.backend=cuda}. */
  public static final String NAME = "cuda";
  /** System property selecting the GPU by ordinal; default 0. */
  public static final String DEVICE_PROPERTY = "jgrad.cuda.device";
  /**
   * System property choosing the matrix products: {@code cublas} (the default) or {@code ptx},
   * jgrad's own kernel, for a GPU without a working cuBLAS (cuBLAS is then never loaded).
   */
  public static final String GEMM_PROPERTY = "jgrad.cuda.gemm";

  private static final Logger log = LoggerFactory.getLogger(CudaBackend.class);

  static final BackendContract CONTRACT = new BackendContract(NAME);

  private final CudaContext context;
  private final CachingAllocator<CUdeviceptr> allocator;
  private final LaunchGeometry geometry;
  private final KernelLauncher launcher;
  private final IndexErrorFlag indexErrors;
  private final MatrixProducts gemm;
  private final CudaFusedOps fused;
  private final PtxPluginLauncher plugins;

  /** @param cublas the loaded cuBLAS, or null for jgrad's own products ({@link PtxGemm}) */
  private CudaBackend(CudaContext context, CublasLocator.Location cublas) {
    this.context = context;
    this.allocator = new CachingAllocator<>(new DeviceMemory(context), context::toString);
    this.geometry = new LaunchGeometry(context.multiprocessors);
    this.launcher = new KernelLauncher(context, new PtxModules());
    this.indexErrors = new IndexErrorFlag(context);
    this.gemm = cublas != null ? new CublasGemm(context) : new PtxGemm(launcher, geometry);
    this.fused = new CudaFusedOps(this);
    this.plugins = new PtxPluginLauncher(context);
    log.info("jgrad cuda backend on {} with {}", context, cublas != null ? cublas
        : "jgrad's own matrix products (-D" + GEMM_PROPERTY + "=ptx; cuBLAS not loaded)");
  }

  /**
   * Starts the backend on the GPU named by {@value #DEVICE_PROPERTY} (default 0). cuBLAS is
   * located and loaded first, before any JCublas2 class initialises (see {@link CublasLoader}),
   * unless {@value #GEMM_PROPERTY} is {@code ptx}.
   *
   * @throws IllegalStateException naming what is missing or failed
   */
  public static CudaBackend create() {
    CublasLocator.Location cublas = CudaProbe.usesCublas()
        ? CublasLoader.ensureLoaded(new CublasLocator(LibrarySearch.system()).locate()) : null;
    return new CudaBackend(CudaContext.open(SystemProperties.integer(DEVICE_PROPERTY, 0, 0)),
        cublas);
  }

  /** jgrad's own products on this backend's stream, whichever serves {@link #matmul} (tests). */
  MatrixProducts ptxProducts() {
    return new PtxGemm(launcher, geometry);
  }



  @Override
  public String name() {
    return NAME;
  }

  /** The GPU this backend runs on, e.g. "cuda device 0 (NVIDIA H100 ..., 132 SMs)". */
  public String deviceDescription() {
    return context.toString();
  }

  @Override
  public long bytesInUse() {
    return allocator.stats().bytesInUse();
  }

  /** The caching allocator's statistics: bytes in use, cached and peak. */
  public MemoryStats memoryStats() {
    return allocator.stats();
  }

  /**
   * What this backend has queued and waited for since it started: kernel launches, cuBLAS calls,
   * memory operations, host waits and copies. Compare two snapshots with
   * {@link DeviceActivity#since} to see what a training step costs.
   */
  public DeviceActivity activity() {
    return context.activity.snapshot();
  }

  /** The device's total memory in bytes, as the driver reports it. */
  long deviceTotalBytes() {
    context.makeCurrent();
    return context.memoryInfo()[1];
  }

  /** Gives every cached (freed, unused) block back to the device. */
  public void emptyCache() {
    context.makeCurrent();
    context.capture.refuse("emptyCache", "freeing device memory waits for the stream");
    allocator.emptyCache();
  }

  /**
   * Captures the GPU work {@code work} queues into a {@link CudaGraph}, without running it: the
   * graph's {@link CudaGraph#launch()} runs it, as often as wanted, with one launch. For a
   * training step of fixed shapes: run the step eagerly once first (modules, cuBLAS and lazily
   * created state such as momentum buffers get set up then, not recorded into every replay),
   * then capture it on the tensors that will hold each step's inputs.
   *
   * <p>{@code work} runs on this thread and must only queue work: a download, {@code item()},
   * {@code synchronize()}, an upload, or work from another thread fails the capture with an
   * exception saying so. Every scalar argument is recorded as it was: capture again after
   * changing AdaGrad's learning rate, say. A value that changes every launch is read from a
   * device buffer that host work registered with {@link #beforeEachLaunch} fills before each
   * launch (SGD's learning rate; Adam's bias-corrected rate, which follows the learning rate;
   * AdamW's decay and bias corrections; dropout's mask counter). On failure nothing was run and
   * the stream is as before.
   */
  @Override
  public CudaGraph capture(Runnable work) {
    java.util.Objects.requireNonNull(work, "work is null");
    context.capture.checkThread();
    context.capture.refuse("capture", "captures do not nest");
    syncAndCheck("capture"); // earlier errors surface here, not as the capture's
    // the backend's own op kernels, loaded now rather than inside the capture (see preload)
    plugins.preload(FusedKernels.PTX, "fused.ptx");
    plugins.preload(CudaDropoutKernel.PTX, "dropout.ptx");
    plugins.preload(CudaConvKernels.PTX, "conv.ptx");
    context.capture.begin(); // the thread first: a capture racing this one fails here
    CachingAllocator.Pool<CUdeviceptr> pool;
    try {
      pool = allocator.beginPool();
    } catch (RuntimeException e) {
      context.capture.end();
      throw e;
    }
    CUgraph graph = new CUgraph();
    boolean streamCapturing = false;
    try {
      CudaDriver.check(cuStreamBeginCapture(context.stream,
          CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED), "cuStreamBeginCapture");
      streamCapturing = true;
      work.run();
      streamCapturing = false;
      int ended = cuStreamEndCapture(context.stream, graph);
      if (ended != CUresult.CUDA_SUCCESS) {
        CudaDriver.check(ended, "cuStreamEndCapture (something the captured work called was not "
            + "capturable, e.g. a copy or wait on the legacy default stream from another thread)");
      }
    } catch (RuntimeException | Error e) {
      if (streamCapturing) { // leave the stream as it was; the partial graph is discarded
        CUgraph partial = new CUgraph();
        if (cuStreamEndCapture(context.stream, partial) == CUresult.CUDA_SUCCESS) {
          cuGraphDestroy(partial);
        }
      }
      context.capture.end();
      allocator.closePool(pool);
      throw e;
    }
    List<Runnable> beforeEachLaunch = context.capture.end();
    allocator.endPool();
    long[] nodes = new long[1];
    CUgraphExec exec = new CUgraphExec();
    int counted = cuGraphGetNodes(graph, (CUgraphNode[]) null, nodes);
    int instantiated = counted != CUresult.CUDA_SUCCESS ? counted
        : cuGraphInstantiate(exec, graph, 0);
    cuGraphDestroy(graph); // the executable graph is independent of its template
    if (instantiated != CUresult.CUDA_SUCCESS) {
      allocator.closePool(pool);
      CudaDriver.check(instantiated, counted != CUresult.CUDA_SUCCESS ? "cuGraphGetNodes"
          : "cuGraphInstantiate");
    }
    return new CudaGraph(this, exec, pool, nodes[0], beforeEachLaunch);
  }

  /** Host work before each launch of the graph being captured (see {@link #capture}). */
  @Override
  public void beforeEachLaunch(Object owner, Runnable hostWork) {
    context.capture.beforeEachLaunch(owner, hostWork);
  }

  /** Whether work queued now would be recorded into a CUDA graph ({@link #capture}). */
  @Override
  public boolean isCapturing() {
    return context.capture.active();
  }

  /** Fails unless a graph may be launched now: not from or during another capture. */
  void checkGraphLaunch() {
    context.capture.checkThread();
    context.capture.refuse("launching a CUDA graph", "launch it after capture() returns");
  }

  /** One replay of a graph on the stream (see {@link CudaGraph#launch}). */
  void launchGraph(CUgraphExec exec) {
    context.makeCurrent();
    checkGraphLaunch();
    CudaDriver.check(cuGraphLaunch(exec, context.stream), "cuGraphLaunch");
    context.activity.graphLaunch();
    indexErrors.launched(); // its kernels may have recorded a bad index: read at the next sync
  }

  /** Destroys a graph ({@code destroy}) and releases its reserved blocks. */
  void destroyGraph(Runnable destroy, CachingAllocator.Pool<CUdeviceptr> pool) {
    context.makeCurrent();
    try {
      destroy.run();
    } finally {
      allocator.closePool(pool);
    }
  }

  /** The fused kernels (softmax cross-entropy, bias + activation, SGD, Adam and AdamW updates). */
  public CudaFusedOps fused() {
    return fused;
  }

  /**
   * Runs a kernel given as PTX text, as plugins ship them ({@code dev.jgrad.api.op.PtxKernel}):
   * a 1-D launch of {@code gridX} blocks of {@code blockX} threads on this backend's stream.
   * Each distinct PTX text is JIT-loaded once. Arguments: buffers of this backend (passed as
   * device pointers), Integer, Long, Float, or Double (passed as float when {@code dtype} is
   * FLOAT32); they are checked against the entry's parameters as the PTX declares them.
   */
  public void launchPtx(String ptx, String entry, DType dtype, int gridX, int blockX,
      List<Object> args) {
    plugins.launch(ptx, entry, dtype, gridX, blockX, args,
        buffer -> own("PTX kernel " + entry, "a buffer argument", buffer));
  }

  /** Adam's update as one fused kernel (see {@link CudaFusedOps#adamUpdate}). */
  @Override
  public void adamUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer lrT) {
    fused.adamUpdate(param, grad, m, v, beta1, beta2, eps, lrT);
  }

  /** AdamW's update as one fused kernel (see {@link CudaFusedOps#adamwUpdate}). */
  @Override
  public void adamwUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v,
      double beta1, double beta2, double eps, DeviceBuffer decay, DeviceBuffer biasRoot,
      DeviceBuffer step) {
    fused.adamwUpdate(param, grad, m, v, beta1, beta2, eps, decay, biasRoot, step);
  }

  /** Every parameter's Adam update in one launch (see {@link CudaFusedOps#adamUpdateAll}). */
  @Override
  public void adamUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer lrT) {
    fused.adamUpdateAll(params, grads, ms, vs, beta1, beta2, eps, lrT);
  }

  /** Every parameter's AdamW update in one launch (see {@link CudaFusedOps#adamwUpdateAll}). */
  @Override
  public void adamwUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> ms, List<DeviceBuffer> vs, double beta1, double beta2, double eps,
      DeviceBuffer decay, DeviceBuffer biasRoot, DeviceBuffer step) {
    fused.adamwUpdateAll(params, grads, ms, vs, beta1, beta2, eps, decay, biasRoot, step);
  }

  /**
   * Checks the call as every backend does, then declines it, as {@link FusedProductSgd} allows:
   * cuBLAS's {@code beta = 1} epilogue may pick another kernel and rounds the update in its own
   * way, so it cannot promise the bits of the product followed by {@link #sgdUpdate}, which
   * {@code Sgd} then runs (two launches). Declining is this backend's answer, not a missing
   * capability: the conformance kit checks that it leaves the parameter and velocity unchanged.
   */
  @Override
  public boolean sgdUpdateFromProduct(DeviceBuffer a, boolean transA, DeviceBuffer b,
      boolean transB, int m, int n, int k, DeviceBuffer param, DeviceBuffer velocity, double lr,
      double momentum, double weightDecay) {
    CONTRACT.sgdUpdateFromProduct(a, transA, b, transB, m, n, k, param, velocity);
    String p = "sgdUpdateFromProduct";
    own(p, "a", a);
    own(p, "b", b);
    own(p, "param", param);
    if (velocity != null) {
      own(p, "velocity", velocity);
    }
    return false;
  }

  /** The SGD update as one fused kernel (see {@link CudaFusedOps#sgdUpdate}). */
  @Override
  public void sgdUpdate(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer velocity,
      DeviceBuffer lr, double momentum, double weightDecay) {
    fused.sgdUpdate(param, grad, velocity, lr, momentum, weightDecay);
  }

  /** Every parameter's SGD update in one launch (see {@link CudaFusedOps#sgdUpdateAll}). */
  @Override
  public void sgdUpdateAll(List<DeviceBuffer> params, List<DeviceBuffer> grads,
      List<DeviceBuffer> velocities, DeviceBuffer lr, double momentum, double weightDecay) {
    fused.sgdUpdateAll(params, grads, velocities, lr, momentum, weightDecay);
  }

  /** Runs a plugin's {@link PtxKernel} registered for this backend (see {@link #launchPtx}). */
  @Override
  public void launch(PtxKernel kernel, KernelCall call) {
    DType dtype = call.outputSpec().dtype();
    PtxKernel.Geometry g = kernel.geometry(call);
    launchPtx(kernel.ptx(), kernel.entry(dtype), dtype, g.gridX(), g.blockX(), kernel.args(call));
  }

  // ---- package-private plumbing for CudaFusedOps -------------------------------------------

  CudaBuffer own(String primitive, String argument, DeviceBuffer buffer) {
    return CudaBuffer.of(primitive, argument, buffer, this);
  }

  LaunchGeometry geometry() {
    return geometry;
  }

  void launch(KernelArgs args, LaunchGeometry.Launch launch, Object... keepAlive) {
    launcher.launch(args, launch, keepAlive);
  }

  /** Launches a {@code fused.ptx} entry ({@code base} + dtype) as plugin PTX kernels run. */
  void launchFused(String base, DType dtype, LaunchGeometry.Launch launch, List<Object> args) {
    launchPtx(FusedKernels.PTX, FusedKernels.entry(base, dtype), dtype, launch.gridX(),
        launch.blockX(), args);
  }

  /** The index error record's address for a kernel that checks indices ({@link IndexErrorFlag}). */
  CUdeviceptr indexErrorRecord() {
    return indexErrors.record();
  }

  /** A kernel given {@link #indexErrorRecord()} was queued: read the record at the next sync. */
  void indexCheckingKernelLaunched() {
    indexErrors.launched();
  }

  void makeCurrent() {
    context.makeCurrent();
  }

  // ---- memory --------------------------------------------------------------------------------

  @Override
  public DeviceBuffer allocate(DType dtype, long length) {
    return allocateBuffer("allocate", dtype, length);
  }

  private CudaBuffer allocateBuffer(String primitive, DType dtype, long length) {
    CONTRACT.allocate(dtype, length);
    if (length == 0) {
      return new CudaBuffer(this, dtype, 0, allocator, null);
    }
    long bytes = length * dtype.byteSize(); // the contract checked it does not overflow
    context.makeCurrent();
    CachingAllocator.Block<CUdeviceptr> block =
        allocator.allocate(bytes, dtype + "[" + length + "]");
    return new CudaBuffer(this, dtype, length, allocator, block);
  }

  @Override
  public DeviceBuffer upload(float[] data) {
    return uploadHost(DType.FLOAT32, Pointer.to(data), data.length);
  }

  @Override
  public DeviceBuffer upload(double[] data) {
    return uploadHost(DType.FLOAT64, Pointer.to(data), data.length);
  }

  @Override
  public DeviceBuffer upload(int[] data) {
    return uploadHost(DType.INT32, Pointer.to(data), data.length);
  }

  @Override
  public DeviceBuffer upload(byte[] data) {
    return uploadHost(DType.UINT8, Pointer.to(data), data.length);
  }

  /** A new buffer of {@code dtype} holding the {@code length} host elements at {@code data}. */
  private CudaBuffer uploadHost(DType dtype, Pointer data, int length) {
    context.capture.refuse("upload of " + length + " " + dtype + " elements", "a copy from the "
        + "host cannot be recorded; upload before capturing, and copy each step's inputs into "
        + "the captured input buffers before each launch");
    CudaBuffer b = allocateBuffer("upload", dtype, length);
    if (length > 0) {
      CudaDriver.check(cuMemcpyHtoD(b.pointer(), data, b.bytes()),
          "upload of " + length + " " + dtype + " elements");
      context.activity.hostCopy();
    }
    return b;
  }

  @Override
  public void download(DeviceBuffer src, int[] dst) {
    CONTRACT.downloadInts(src, dst == null ? -1 : dst.length);
    copyToHost(own("download", "src", src), Pointer.to(dst));
  }

  /**
   * An INT32 or UINT8 buffer's elements as ints (UINT8 read as unsigned, 0..255), for a download
   * into a float[] or double[], where each is exact.
   */
  private int[] intsToHost(CudaBuffer src) {
    int n = Math.toIntExact(src.length());
    int[] ints = new int[n];
    if (src.dtype() == DType.INT32) {
      copyToHost(src, Pointer.to(ints));
    } else {
      byte[] bytes = new byte[n];
      copyToHost(src, Pointer.to(bytes));
      for (int i = 0; i < n; i++) {
        ints[i] = bytes[i] & 0xFF;
      }
    }
    return ints;
  }

  @Override
  public void download(DeviceBuffer src, float[] dst) {
    CONTRACT.download(src, dst == null ? -1 : dst.length);
    CudaBuffer s = own("download", "src", src);
    switch (s.dtype()) {
      case FLOAT32 -> copyToHost(s, Pointer.to(dst));
      case FLOAT64 -> {
        double[] tmp = new double[dst.length];
        copyToHost(s, Pointer.to(tmp));
        for (int i = 0; i < tmp.length; i++) {
          dst[i] = (float) tmp[i];
        }
      }
      case INT32, UINT8 -> {
        int[] ints = intsToHost(s);
        for (int i = 0; i < ints.length; i++) {
          dst[i] = ints[i];
        }
      }
    }
  }

  @Override
  public void download(DeviceBuffer src, double[] dst) {
    CONTRACT.download(src, dst == null ? -1 : dst.length);
    CudaBuffer s = own("download", "src", src);
    switch (s.dtype()) {
      case FLOAT64 -> copyToHost(s, Pointer.to(dst));
      case FLOAT32 -> {
        float[] tmp = new float[dst.length];
        copyToHost(s, Pointer.to(tmp));
        for (int i = 0; i < tmp.length; i++) {
          dst[i] = tmp[i];
        }
      }
      case INT32, UINT8 -> {
        int[] ints = intsToHost(s);
        for (int i = 0; i < ints.length; i++) {
          dst[i] = ints[i];
        }
      }
    }
  }

  @Override
  public void convert(DeviceBuffer src, DeviceBuffer dst) {
    CONTRACT.convert(src, dst);
    CudaBuffer s = own("convert", "src", src);
    CudaBuffer d = own("convert", "dst", dst);
    long n = s.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.CONVERT, s.dtype()).ptr(s.pointer()).ptr(d.pointer()).i64(n)
        .i32(OpCodes.dtype(d.dtype())), geometry.elementwise(n), s, d);
  }

  /**
   * The dtype whose kernels move {@code dtype}'s data: INT32 goes through the FLOAT32 entries of
   * the kernels that only copy elements (axis ranges, gathers), which move 4-byte words bit for
   * bit; UINT8 has its own 1-byte entries of those kernels. No arithmetic kernel ever sees INT32
   * or UINT8 (the contract rejects them).
   */
  private static DType moved(DType dtype) {
    return dtype == DType.INT32 ? DType.FLOAT32 : dtype;
  }

  private void copyToHost(CudaBuffer src, Pointer dst) {
    syncAndCheck("download");
    if (src.length() > 0) {
      CudaDriver.check(cuMemcpyDtoH(dst, src.pointer(), src.bytes()),
          "download of " + src.length() + " elements");
      context.activity.hostCopy();
    }
    Reference.reachabilityFence(src);
  }

  @Override
  public void synchronize() {
    syncAndCheck("synchronize");
  }

  private void syncAndCheck(String where) {
    context.makeCurrent();
    context.capture.refuse(where, "the host cannot wait for, or read, results inside the "
        + "captured work; read them after CudaGraph.launch()");
    int result = cuStreamSynchronize(context.stream);
    CudaDriver.check(result, where + " (waiting for queued GPU work)");
    context.activity.hostWait();
    indexErrors.check(where);
  }

  @Override
  public void fill(DeviceBuffer dst, double value) {
    CONTRACT.fill(dst, value);
    CudaBuffer d = own("fill", "dst", dst);
    long n = d.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    if (d.dtype() == DType.UINT8) {
      // The contract admitted only whole values in 0..255: one byte each.
      CudaDriver.check(cuMemsetD8Async(d.pointer(), (byte) (int) value, n, context.stream),
          "fill");
      context.activity.memoryOp();
    } else if (d.dtype() != DType.FLOAT64) {
      // A float or int is one 32-bit word: the driver's memset writes any value, no kernel.
      int word = d.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits((float) value);
      CudaDriver.check(cuMemsetD32Async(d.pointer(), word, n, context.stream), "fill");
      context.activity.memoryOp();
    } else if (Double.doubleToRawLongBits(value) == 0L) {
      CudaDriver.check(cuMemsetD32Async(d.pointer(), 0, 2 * n, context.stream), "fill");
      context.activity.memoryOp();
    } else {
      launch(new KernelArgs(Kernel.FILL, d.dtype()).ptr(d.pointer()).i64(n).scalar(value),
          geometry.elementwise(n), d);
    }
    Reference.reachabilityFence(d);
  }

  @Override
  public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset,
      long length) {
    CONTRACT.copy(src, srcOffset, dst, dstOffset, length);
    String p = "copy";
    CudaBuffer s = own(p, "src", src);
    CudaBuffer d = own(p, "dst", dst);
    if (length == 0 || (s == d && srcOffset == dstOffset)) {
      return;
    }
    context.makeCurrent();
    long bytes = length * s.dtype().byteSize();
    boolean overlap = s == d && srcOffset < dstOffset + length && dstOffset < srcOffset + length;
    if (overlap) {
      // cuMemcpy does not define overlapping copies: go through a temporary block.
      try (CudaBuffer tmp = allocateBuffer(p, s.dtype(), length)) {
        deviceCopy(s.pointer(srcOffset), tmp.pointer(), bytes);
        deviceCopy(tmp.pointer(), d.pointer(dstOffset), bytes);
      }
    } else {
      deviceCopy(s.pointer(srcOffset), d.pointer(dstOffset), bytes);
    }
    Reference.reachabilityFence(s);
    Reference.reachabilityFence(d);
  }

  private void deviceCopy(CUdeviceptr from, CUdeviceptr to, long bytes) {
    CudaDriver.check(cuMemcpyDtoDAsync(to, from, bytes, context.stream), "device copy");
    context.activity.memoryOp();
  }

  @Override
  public void copyAxisRange(DeviceBuffer src, int srcAxis, int srcStart, DeviceBuffer dst,
      int dstAxis, int dstStart, int outer, int count, int inner) {
    CONTRACT.copyAxisRange(src, srcAxis, srcStart, dst, dstAxis, dstStart, outer, count, inner);
    String p = "copyAxisRange";
    CudaBuffer s = own(p, "src", src);
    CudaBuffer d = own(p, "dst", dst);
    long n = (long) outer * count * inner; // within src, which the contract sized
    if (n == 0) {
      return;
    }
    if (outer == 1) { // one contiguous run
      copy(s, (long) srcStart * inner, d, (long) dstStart * inner, n);
      return;
    }
    context.makeCurrent();
    launchCopyAxis(s, srcAxis, srcStart, d, dstAxis, dstStart, outer, count, inner, n);
  }

  private void launchCopyAxis(CudaBuffer s, int srcAxis, int srcStart, CudaBuffer d, int dstAxis,
      int dstStart, int outer, int count, int inner, long n) {
    launch(new KernelArgs(Kernel.COPY_AXIS, moved(s.dtype())).ptr(s.pointer()).i64(srcAxis)
        .i64(srcStart).ptr(d.pointer()).i64(dstAxis).i64(dstStart).i64(outer).i64(count)
        .i64(inner), geometry.elementwise(n), s, d);
  }

  @Override
  public void copyStrided(DeviceBuffer src, long srcOffset, long[] srcStrides, int[] shape,
      DeviceBuffer dst) {
    CONTRACT.copyStrided(src, srcOffset, srcStrides, shape, dst);
    String p = "copyStrided";
    CudaBuffer s = own(p, "src", src);
    CudaBuffer d = own(p, "dst", dst);
    long n = d.length(); // the shape's size, as the contract checked
    if (n == 0) {
      return;
    }
    BroadcastPlan plan = BroadcastPlan.strided(shape, srcStrides);
    if (plan.rank() == 1 && plan.aStrides()[0] == 1) { // one dense run: a plain device copy
      copy(s, srcOffset, d, 0, n);
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.COPY_STRIDED, moved(s.dtype())).ptr(s.pointer()).i64(srcOffset)
        .ptr(d.pointer()).i64(n).bcast(plan.toStruct()), geometry.elementwise(n), s, d);
  }

  // ---- elementwise -----------------------------------------------------------------------------

  @Override
  public void unary(UnaryOp op, DeviceBuffer x, DeviceBuffer out) {
    CONTRACT.unary(op, x, out);
    CudaBuffer cx = own("unary", "x", x);
    CudaBuffer co = own("unary", "out", out);
    long n = cx.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.UNARY, cx.dtype()).ptr(cx.pointer()).ptr(co.pointer()).i64(n)
        .i32(OpCodes.unary(op)), geometry.elementwise(n), cx, co);
  }

  @Override
  public void binary(BinaryOp op, DeviceBuffer a, Shape aShape, DeviceBuffer b, Shape bShape,
      DeviceBuffer out, Shape outShape) {
    CONTRACT.binary(op, a, aShape, b, bShape, out, outShape);
    CudaBuffer ca = own("binary", "a", a);
    CudaBuffer cb = own("binary", "b", b);
    CudaBuffer co = own("binary", "out", out);
    BroadcastPlan plan = BroadcastPlan.of(aShape, bShape, outShape, "binary(" + op + ")");
    long n = outShape.size();
    if (n == 0) {
      return;
    }
    // out may be a or b: an input with the output's length is not broadcast, so thread i reads
    // exactly the element i it then writes.
    context.makeCurrent();
    int code = OpCodes.binary(op);
    if (plan.isElementwise()) {
      launch(new KernelArgs(Kernel.BINARY, ca.dtype()).ptr(ca.pointer()).ptr(cb.pointer())
          .ptr(co.pointer()).i64(n).i32(code), geometry.elementwise(n), ca, cb, co);
    } else {
      launch(new KernelArgs(Kernel.BINARY_BCAST, ca.dtype()).ptr(ca.pointer()).ptr(cb.pointer())
          .ptr(co.pointer()).i64(n).i32(code).bcast(plan.toStruct()), geometry.elementwise(n),
          ca, cb, co);
    }
  }

  @Override
  public void scalar(BinaryOp op, DeviceBuffer a, double s, DeviceBuffer out) {
    CONTRACT.scalar(op, a, out);
    CudaBuffer ca = own("scalar", "a", a);
    CudaBuffer co = own("scalar", "out", out);
    long n = ca.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.SCALAR, ca.dtype()).ptr(ca.pointer()).scalar(s)
        .ptr(co.pointer()).i64(n).i32(OpCodes.binary(op)), geometry.elementwise(n), ca, co);
  }

  // ---- linear algebra and reductions ---------------------------------------------------------

  @Override
  public void matmul(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int m, int n, int k) {
    CONTRACT.matmul(a, transA, b, transB, out, m, n, k);
    String p = "matmul";
    CudaBuffer ca = own(p, "a", a);
    CudaBuffer cb = own(p, "b", b);
    CudaBuffer co = own(p, "out", out);
    GemmPlan plan = GemmPlan.rowMajor(transA, transB, m, n, k);
    if (emptyProduct(co, m == 0 || n == 0, k)) {
      return;
    }
    context.makeCurrent();
    gemm.gemm(ca.dtype(), plan, ca.pointer(), cb.pointer(), co.pointer());
    Reference.reachabilityFence(ca);
    Reference.reachabilityFence(cb);
    Reference.reachabilityFence(co);
  }

  @Override
  public void matmulBatched(DeviceBuffer a, boolean transA, DeviceBuffer b, boolean transB,
      DeviceBuffer out, int batch, int m, int n, int k, long strideA, long strideB) {
    CONTRACT.matmulBatched(a, transA, b, transB, out, batch, m, n, k, strideA, strideB);
    String p = "matmulBatched";
    CudaBuffer ca = own(p, "a", a);
    CudaBuffer cb = own(p, "b", b);
    CudaBuffer co = own(p, "out", out);
    GemmPlan.Strided plan =
        GemmPlan.rowMajorBatched(transA, transB, batch, m, n, k, strideA, strideB);
    if (emptyProduct(co, batch == 0 || m == 0 || n == 0, k)) {
      return;
    }
    context.makeCurrent();
    gemm.gemmStridedBatched(ca.dtype(), plan, ca.pointer(), cb.pointer(), co.pointer());
    Reference.reachabilityFence(ca);
    Reference.reachabilityFence(cb);
    Reference.reachabilityFence(co);
  }

  /** Whether a product has nothing to compute: no outputs, or empty sums (k = 0: zeros). */
  private boolean emptyProduct(CudaBuffer out, boolean noOutputs, int k) {
    if (noOutputs) {
      return true;
    }
    if (k == 0) {
      fill(out, 0); // an empty sum
      return true;
    }
    return false;
  }

  @Override
  public void reduce(ReduceOp op, DeviceBuffer x, int outer, int axis, int inner,
      DeviceBuffer out) {
    CONTRACT.reduce(op, x, outer, axis, inner, out);
    CudaBuffer cx = own("reduce", "x", x);
    CudaBuffer co = own("reduce", "out", out);
    long n = co.length(); // [outer, inner], as the contract checked
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    LaunchGeometry.ReduceStrategy strategy = geometry.reduceStrategy(outer, axis, inner);
    Kernel kernel = switch (strategy) {
      case COLS -> Kernel.REDUCE_COLS;
      case ROWS -> Kernel.REDUCE_ROWS;
      case TILED -> Kernel.REDUCE_TILED;
    };
    LaunchGeometry.Launch launch = switch (strategy) {
      case COLS -> geometry.elementwise(n);
      case ROWS -> geometry.blockPerItem(n, LaunchGeometry.rowBlock(axis));
      case TILED -> geometry.reduceTiled(outer, inner);
    };
    launch(new KernelArgs(kernel, cx.dtype()).ptr(cx.pointer()).ptr(co.pointer()).i64(outer)
        .i64(axis).i64(inner).i32(OpCodes.reduce(op)), launch, cx, co);
  }

  @Override
  public void transpose(DeviceBuffer x, int batch, int rows, int cols, DeviceBuffer out) {
    CONTRACT.transpose(x, batch, rows, cols, out);
    CudaBuffer cx = own("transpose", "x", x);
    CudaBuffer co = own("transpose", "out", out);
    long n = cx.length(); // [batch, rows, cols], as the contract checked
    if (n == 0) {
      return;
    }
    if (rows == 1 || cols == 1) { // the same bytes in both layouts
      copy(cx, 0, co, 0, n);
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.TRANSPOSE, cx.dtype()).ptr(cx.pointer()).ptr(co.pointer())
        .i64(batch).i64(rows).i64(cols), geometry.transpose(batch, rows, cols), cx, co);
  }

  // ---- indexing ------------------------------------------------------------------------------

  @Override
  public void indexSelect(DeviceBuffer src, int outer, int axis, int inner, DeviceBuffer indices,
      DeviceBuffer out) {
    CONTRACT.indexSelect(src, outer, axis, inner, indices, out);
    String p = "indexSelect";
    CudaBuffer cs = own(p, "src", src);
    CudaBuffer ci = own(p, "indices", indices);
    CudaBuffer co = own(p, "out", out);
    long count = ci.length();
    long n = co.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.INDEX_SELECT, moved(cs.dtype())).ptr(cs.pointer()).i64(outer)
        .i64(axis).i64(inner).ptr(ci.pointer()).i64(count).ptr(co.pointer())
        .ptr(indexErrorRecord()), geometry.elementwise(n), cs, ci, co);
    indexErrors.launched();
  }

  @Override
  public void indexAdd(DeviceBuffer src, DeviceBuffer indices, DeviceBuffer dst, int outer,
      int axis, int inner) {
    CONTRACT.indexAdd(src, indices, dst, outer, axis, inner);
    String p = "indexAdd";
    CudaBuffer cs = own(p, "src", src);
    CudaBuffer ci = own(p, "indices", indices);
    CudaBuffer cd = own(p, "dst", dst);
    long count = ci.length();
    long n = cs.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.INDEX_ADD, cs.dtype()).ptr(cs.pointer()).ptr(ci.pointer())
        .i64(count).ptr(cd.pointer()).i64(outer).i64(axis).i64(inner)
        .ptr(indexErrorRecord()), geometry.elementwise(n), cs, ci, cd);
    indexErrors.launched();
  }

  @Override
  public void oneHot(DeviceBuffer indices, int classes, DeviceBuffer out) {
    CONTRACT.oneHot(indices, classes, out);
    String p = "oneHot";
    CudaBuffer ci = own(p, "indices", indices);
    CudaBuffer co = own(p, "out", out);
    long n = co.length();
    if (n == 0) {
      return;
    }
    context.makeCurrent();
    launch(new KernelArgs(Kernel.ONE_HOT, co.dtype()).ptr(ci.pointer()).i64(ci.length())
        .i64(classes).ptr(co.pointer()).ptr(indexErrorRecord()), geometry.elementwise(n), ci, co);
    indexErrors.launched();
  }

  @Override
  public String toString() {
    return "CudaBackend{" + context + ", memory: " + allocator.stats() + "}";
  }
}
