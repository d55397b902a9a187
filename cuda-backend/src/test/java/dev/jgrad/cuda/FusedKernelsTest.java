package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import dev.jgrad.api.Shape;
import dev.jgrad.api.UnaryOp;
import dev.jgrad.api.op.AttrKeys;
import dev.jgrad.api.op.Attrs;
import dev.jgrad.api.op.FusedActivation;
import dev.jgrad.api.op.KernelCall;
import dev.jgrad.api.op.OpNames;
import dev.jgrad.api.op.OpRegistry;
import dev.jgrad.api.op.PtxKernel;
import dev.jgrad.api.op.PtxSignature;
import dev.jgrad.api.op.TensorSpec;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels' argument lists against their entries in {@code fused.ptx}, through the same
 * conversion and check every plugin PTX launch gets: the Java/CUDA ABI check of the op kernels,
 * without a GPU.
 */
class FusedKernelsTest {
  private static final Map<String, List<String>> SIGNATURES =
      PtxSignature.parse(FusedKernels.PTX);

  private static DeviceBuffer buffer(DType dtype) {
    return new CudaBuffer(new Object(), dtype, 0, null, null); // plain Java until launched
  }

  private static void assertFits(String base, DType dtype, List<Object> args) {
    String entry = FusedKernels.entry(base, dtype);
    List<String> types = SIGNATURES.get(entry);
    assertNotNull(types, entry + " is missing from fused.ptx");
    assertEquals(types.size(), PtxPluginLauncher.convert(entry, types, args, dtype,
        b -> new CUdeviceptr()).size(), entry);
  }

  /** {@code entry}'s text in fused.ptx: its declaration, directives and body. */
  private static String entryText(String entry) {
    int start = FusedKernels.PTX.indexOf(".entry " + entry + "(");
    assertTrue(start >= 0, entry + " is missing from fused.ptx");
    return FusedKernels.PTX.substring(start, FusedKernels.PTX.indexOf("\n}\n", start));
  }

  @Test
  void everyFusedLaunchFitsItsEntryInBothDtypes() {
    for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
      DeviceBuffer b = buffer(dt);
      assertFits("jg_softmax_xent", dt, FusedKernels.softmaxCrossEntropyArgs(b, b, 3, 4, b, b,
          0.25, null, new CUdeviceptr()));
      assertFits("jg_softmax_xent", dt, FusedKernels.softmaxCrossEntropyArgs(b, b, 3, 4, b, b,
          0.25, b, new CUdeviceptr()));
      assertFits("jg_softmax_xent", dt, FusedKernels.softmaxCrossEntropyArgs(b, b, 3, 4, b, null,
          0, null, new CUdeviceptr()));
      assertFits("jg_softmax_xent_mean", dt, FusedKernels.softmaxCrossEntropyMeanArgs(b, b, 3, 4,
          b, new CUdeviceptr()));
      DeviceBuffer rate = buffer(DType.FLOAT64);
      assertFits("jg_sgd", dt, FusedKernels.sgdArgs(b, b, b, 7, rate, 0.9, 1e-4));
      assertFits("jg_sgd", dt, FusedKernels.sgdArgs(b, b, null, 7, rate, 0, 0));
      assertFits("jg_adam", dt, FusedKernels.adamArgs(b, b, b, b, 7, 0.9, 0.999, 1e-7,
          buffer(DType.FLOAT64)));
      assertFits("jg_adamw", dt, FusedKernels.adamwArgs(b, b, b, b, 7, 0.9, 0.999, 1e-8,
          buffer(DType.FLOAT64), buffer(DType.FLOAT64), buffer(DType.FLOAT64)));
      long[] a = new long[FusedKernels.BATCH];
      int[] blocks = new int[FusedKernels.BATCH];
      assertFits("jg_sgd_batch", dt, FusedKernels.sgdBatchArgs(new long[][] {a, a, a, a},
          blocks, 0, FusedKernels.BATCH, rate, 0.9, 1e-4));
      long[][] five = {a, a, a, a, a};
      assertFits("jg_adam_batch", dt, FusedKernels.adamBatchArgs(five, blocks, 0,
          FusedKernels.BATCH, 0.9, 0.999, 1e-7, rate));
      assertFits("jg_adamw_batch", dt, FusedKernels.adamwBatchArgs(five, blocks, 0,
          FusedKernels.BATCH, 0.9, 0.999, 1e-8, rate, buffer(DType.FLOAT64),
          buffer(DType.FLOAT64)));
      for (FusedActivation act : FusedActivation.values()) {
        assertFits("jg_bias_act", dt, FusedKernels.biasActivationArgs(b, b, b, 2, 3, act));
      }
      assertFits("jg_relu_grad", dt, FusedKernels.reluGradArgs(b, b, b, 6));
    }
  }

  /**
   * FusedAdam and FusedAdamW promise the primitives' bits, in their batches too: each operation
   * rounded on its own. In the PTX that means separate add, mul, div and sqrt instructions and no
   * fused multiply-add.
   */
  @Test
  void adamRoundsEachOperationOnItsOwn() {
    for (String entry : List.of("jg_adam_f32", "jg_adam_f64", "jg_adamw_f32", "jg_adamw_f64",
        "jg_adam_batch_f32", "jg_adam_batch_f64", "jg_adamw_batch_f32", "jg_adamw_batch_f64")) {
      String body = entryText(entry);
      String type = entry.endsWith("f32") ? "f32" : "f64";
      assertTrue(!body.contains("fma."), entry + " must not fuse a multiply and an add");
      for (String op : List.of("add.rn.", "sub.rn.", "mul.rn.", "div.rn.", "sqrt.rn.")) {
        assertTrue(body.contains(op + type), entry + " should round with " + op + type);
      }
    }
  }

  /**
   * jg_softmax_xent_mean is launched as one block of {@link CudaFusedOps#XENT_MEAN_BLOCK} (1024)
   * threads, four times any other launch: a block that large may use 64 registers a thread, and
   * nothing but its launch bounds ({@code .maxntid}) stops ptxas or the driver's JIT from giving
   * the kernel more, after which every launch fails with CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, on a
   * GPU only.
   */
  @Test
  void theOneBlockMeanKernelIsBoundToItsBlockSize() {
    for (String entry : List.of("jg_softmax_xent_mean_f32", "jg_softmax_xent_mean_f64")) {
      String text = entryText(entry);
      String header = text.substring(0, text.indexOf('{'));
      assertTrue(header.contains("\n.maxntid " + CudaFusedOps.XENT_MEAN_BLOCK + ", 1, 1\n"),
          entry + " must declare __launch_bounds__(" + CudaFusedOps.XENT_MEAN_BLOCK
              + ", 1) (.maxntid), the block it is launched with: " + header);
    }
  }

  @Test
  void fusedPtxIsAsLoadableAsThePrimitives() {
    assertTrue(FusedKernels.PTX.contains("\n.version 8.0\n"),
        "fused.ptx must declare .version 8.0");
    assertTrue(FusedKernels.PTX.contains("\n.target sm_75\n"), "fused.ptx must target sm_75");
    assertEquals(20, SIGNATURES.size(),
        "every entry of fused.ptx has a launch: " + SIGNATURES.keySet());
  }

  @Test
  void eachActivationReachesTheKernelAsItsCode() {
    DeviceBuffer b = buffer(DType.FLOAT32);
    assertEquals(OpCodes.IDENTITY,
        FusedKernels.biasActivationArgs(b, b, b, 1, 1, FusedActivation.IDENTITY).get(5));
    for (UnaryOp op : List.of(UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.TANH)) {
      FusedActivation act = FusedActivation.parse(op.name().toLowerCase(java.util.Locale.ROOT));
      assertEquals(OpCodes.unary(op), FusedKernels.biasActivationArgs(b, b, b, 1, 1, act).get(5));
    }
  }

  @Test
  void biasActivationIsRegisteredAsAPtxKernelLikeAPlugin() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    PtxKernel k =
        (PtxKernel) r.findKernel(OpNames.BIAS_ACTIVATION, CudaBackend.NAME).orElseThrow();
    DeviceBuffer x = buffer(DType.FLOAT64);
    Shape s = Shape.of(5, 3);
    KernelCall call = new KernelCall(null, List.of(x, x),
        List.of(new TensorSpec(s, DType.FLOAT64), new TensorSpec(Shape.of(3), DType.FLOAT64)),
        Attrs.of(AttrKeys.ACTIVATION, "tanh"), x, new TensorSpec(s, DType.FLOAT64));
    List<Object> args = k.args(call);
    assertEquals(List.of(x, x, x, 5L, 3L, OpCodes.unary(UnaryOp.TANH)), args);
    assertFits("jg_bias_act", DType.FLOAT64, args);
    assertEquals(FusedKernels.entry("jg_bias_act", DType.FLOAT64), k.entry(DType.FLOAT64));
  }

  @Test
  void reluGradIsRegisteredAsAPtxKernelOverEveryEntry() {
    OpRegistry r = new OpRegistry();
    r.loadProviders(getClass().getClassLoader());
    PtxKernel k = (PtxKernel) r.findKernel(OpNames.RELU_GRAD, CudaBackend.NAME).orElseThrow();
    for (DType dt : List.of(DType.FLOAT32, DType.FLOAT64)) {
      DeviceBuffer g = buffer(dt);
      DeviceBuffer x = buffer(dt);
      DeviceBuffer out = buffer(dt);
      TensorSpec spec = new TensorSpec(Shape.of(4, 5, 6), dt);
      KernelCall call = new KernelCall(null, List.of(g, x), List.of(spec, spec), Attrs.empty(),
          out, spec);
      List<Object> args = k.args(call);
      assertEquals(List.of(g, x, out, 120L), args, "g, x, out and the entries, in that order");
      assertFits("jg_relu_grad", dt, args);
      assertEquals(FusedKernels.entry("jg_relu_grad", dt), k.entry(dt));
    }
  }

  /**
   * relu_grad selects g or 0 and computes nothing: a floating-point multiply would make NaN of an
   * infinite g where x <= 0 (PyTorch gives 0) and -0 of a negative one (PyTorch gives +0).
   */
  @Test
  void reluGradSelectsInsteadOfMultiplying() {
    for (String entry : List.of("jg_relu_grad_f32", "jg_relu_grad_f64")) {
      String body = entryText(entry);
      String type = entry.endsWith("f32") ? "f32" : "f64";
      assertTrue(!body.contains("fma.") && !body.contains("mul.rn." + type)
          && !body.contains("mul." + type) && body.contains("setp.gt." + type), entry);
    }
  }

  /**
   * The SGD kernels promise the CPU's bits (FloatKernels.sgdUpdate): each multiply and add
   * rounded on its own, so separate .rn instructions and no fused multiply-add.
   */
  @Test
  void sgdRoundsEachOperationOnItsOwn() {
    for (String entry : List.of("jg_sgd_f32", "jg_sgd_f64", "jg_sgd_batch_f32",
        "jg_sgd_batch_f64")) {
      String body = entryText(entry);
      String type = entry.endsWith("f32") ? "f32" : "f64";
      assertTrue(!body.contains("fma."), entry + " must not fuse a multiply and an add");
      for (String op : List.of("add.rn.", "sub.rn.", "mul.rn.")) {
        assertTrue(body.contains(op + type), entry + " should round with " + op + type);
      }
    }
  }

  /** The bytes of fused.cu's SgdBatch: addresses, lengths, cumulative block ends, the count. */
  @Test
  void sgdBatchWritesTheStructLayoutOfFusedCu() {
    long[][] columns = {{0, 0x1000, 0x2000, 0x3000}, {0, 0x1100, 0x2100, 0x3100},
        {0, 0, 0x2200, 0}, {0, 5, 70_000, 1}};
    DeviceBuffer rate = buffer(DType.FLOAT64);
    List<Object> args = FusedKernels.sgdBatchArgs(columns, new int[] {0, 1, 274, 1}, 1, 3, rate,
        0.9, 0.01);
    assertEquals(List.of(rate, 0.9, 0.01), args.subList(1, 4));
    assertBatchLayout("jg_sgd_batch_f32", FusedKernels.SGD_BATCH_BYTES, columns, args.get(0));
  }

  /** AdamBatch, for both Adam kernels: SgdBatch's layout with four addresses an entry. */
  @Test
  void adamBatchesWriteTheStructLayoutOfFusedCu() {
    long[][] columns = {{0, 0x1000, 0x2000, 0x3000}, {0, 0x1100, 0x2100, 0x3100},
        {0, 0x1200, 0x2200, 0x3200}, {0, 0x1300, 0x2300, 0x3300}, {0, 5, 70_000, 1}};
    int[] blocks = {0, 1, 274, 1};
    DeviceBuffer rate = buffer(DType.FLOAT64);
    List<Object> adam = FusedKernels.adamBatchArgs(columns, blocks, 1, 3, 0.9, 0.999, 1e-7, rate);
    assertEquals(List.of(1 - 0.9, 1 - 0.999, 1e-7, rate), adam.subList(1, 5));
    assertBatchLayout("jg_adam_batch_f64", FusedKernels.ADAM_BATCH_BYTES, columns, adam.get(0));
    List<Object> adamw = FusedKernels.adamwBatchArgs(columns, blocks, 1, 3, 0.9, 0.999, 1e-8,
        rate, rate, rate);
    assertEquals(List.of(1 - 0.9, 1 - 0.999, 1e-8, rate, rate, rate), adamw.subList(1, 7));
    assertBatchLayout("jg_adamw_batch_f32", FusedKernels.ADAM_BATCH_BYTES, columns,
        adamw.get(0));
    assertThrows(IllegalArgumentException.class, () -> FusedKernels.adamBatchArgs(columns,
        blocks, 0, FusedKernels.BATCH + 1, 0.9, 0.999, 1e-7, rate), "more than a launch takes");
    assertThrows(IllegalArgumentException.class, () -> FusedKernels.adamBatchArgs(
        new long[4][4], blocks, 0, 3, 0.9, 0.999, 1e-7, rate), "SGD's columns");
  }

  /**
   * Entries 1 to 3 of {@code columns} (blocks 1, 274 and 1) in {@code struct}, the bytes the
   * entry's PTX declares: column c of entry k at byte 8 * (c * BATCH + k), then the cumulative
   * block ends, then the count, which the kernel reads where this writes it.
   */
  private static void assertBatchLayout(String entry, int bytes, long[][] columns,
      Object struct) {
    int b = FusedKernels.BATCH;
    java.nio.ByteBuffer s = java.nio.ByteBuffer.wrap(((KernelStruct) struct).bytes())
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(bytes, s.capacity(), entry);
    assertEquals(List.of(".align 8 .b8[" + bytes + "]"), SIGNATURES.get(entry).subList(0, 1),
        entry + " declares the struct's size");
    for (int k = 0; k < 3; k++) {
      for (int c = 0; c < columns.length; c++) {
        assertEquals(columns[c][k + 1], s.getLong(8 * (c * b + k)), "column " + c + " entry " + k);
      }
    }
    int ends = 8 * b * columns.length;
    assertEquals(1, s.getInt(ends), "block_end[0]");
    assertEquals(275, s.getInt(ends + 4), "block_end[1]");
    assertEquals(276, s.getInt(ends + 8), "block_end[2]");
    assertEquals(0, s.getInt(ends + 12), "unused entries stay 0");
    assertEquals(3, s.getInt(ends + 4 * b), "count");
    int start = FusedKernels.PTX.indexOf(".entry " + entry + "(");
    assertTrue(FusedKernels.PTX.substring(start).contains(entry + "_param_0+" + (ends + 4 * b)
        + "]"), "fused.cu reads the count at byte " + (ends + 4 * b));
  }

  @Test
  void aStructOfTheWrongSizeIsRefused() {
    String entry = FusedKernels.entry("jg_sgd_batch", DType.FLOAT32);
    List<Object> args = List.of(new KernelStruct(new byte[8]), 0.1, 0.0, 0.0);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> PtxPluginLauncher.convert(entry,
            SIGNATURES.get(entry), args, DType.FLOAT32, x -> new CUdeviceptr()));
    assertEquals("PTX kernel jg_sgd_batch_f32 on the cuda backend: argument 1 (a struct of "
        + ".b8[8]) does not fit PTX parameter type .align 8 .b8[" + FusedKernels.SGD_BATCH_BYTES
        + "] (declared " + SIGNATURES.get(entry) + ")", e.getMessage());
  }

  /** Pointers inside a struct argument are the addresses the driver would pass. */
  @Test
  void aDeviceAddressIsItsAllocationPlusItsOffset() {
    CUdeviceptr base = new CUdeviceptr();
    assertEquals(0, DeviceAddress.of(base));
    assertEquals(96, DeviceAddress.of(base.withByteOffset(64).withByteOffset(32)));
  }

  /**
   * The batch structs' address fields, in fused.cu's order, are the roles the Java side writes
   * column by column: a swap (m for v, grad for velocity) would pass every test without a GPU,
   * the emulator filling the struct by field name.
   */
  @Test
  void theBatchStructsAddressFieldsAreInTheOrderTheColumnsAreWritten() throws Exception {
    String cu = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/cuda/fused.cu"));
    Map<String, String[]> written = Map.of("SgdBatch", FusedKernels.SGD_BATCH_ROLES,
        "AdamBatch", FusedKernels.MOMENT_BATCH_ROLES);
    written.forEach((struct, roles) -> {
      int start = cu.indexOf("struct " + struct + " {");
      assertTrue(start >= 0, struct + " in fused.cu");
      String body = cu.substring(start, cu.indexOf("};", start));
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("unsigned long long (\\w+)\\[JG_BATCH\\];").matcher(body);
      List<String> fields = new java.util.ArrayList<>();
      while (m.find()) {
        fields.add(m.group(1));
      }
      assertEquals(List.of(roles), fields, struct + "'s address fields");
    });
  }
}
