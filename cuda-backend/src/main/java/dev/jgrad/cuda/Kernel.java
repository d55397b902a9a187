package dev.jgrad.cuda;

import dev.jgrad.api.DType;
import java.util.List;

/**
 * Every primitive's kernel entry point in the committed PTX, with the module (PTX resource) that
 * holds it and its parameter list. (Op kernels, the fused ones of {@code fused.ptx} included,
 * run as the api's {@code PtxKernel}s instead: {@link FusedKernels}.) {@link KernelArgs} refuses a launch whose arguments do not follow this list,
 * and {@code KernelSignatureTest} checks the list against the {@code .entry} declarations in the
 * PTX, so a mismatch between Java and CUDA C fails a test on a machine without a GPU instead of
 * corrupting memory on one with a GPU.
 */
enum Kernel {
  FILL("elementwise", "jg_fill", Param.PTR, Param.I64, Param.SCALAR),
  /** One entry per source dtype, INT32 and UINT8 too; the I32 is {@link OpCodes#dtype}(target). */
  CONVERT("elementwise", "jg_convert", Param.PTR, Param.PTR, Param.I64, Param.I32),
  UNARY("elementwise", "jg_unary", Param.PTR, Param.PTR, Param.I64, Param.I32),
  SCALAR("elementwise", "jg_scalar", Param.PTR, Param.SCALAR, Param.PTR, Param.I64, Param.I32),
  BINARY("elementwise", "jg_binary", Param.PTR, Param.PTR, Param.PTR, Param.I64, Param.I32),
  BINARY_BCAST("elementwise", "jg_binary_bcast", Param.PTR, Param.PTR, Param.PTR, Param.I64,
      Param.I32, Param.BCAST),
  REDUCE_COLS("reduce", "jg_reduce_cols", Param.PTR, Param.PTR, Param.I64, Param.I64, Param.I64,
      Param.I32),
  REDUCE_ROWS("reduce", "jg_reduce_rows", Param.PTR, Param.PTR, Param.I64, Param.I64, Param.I64,
      Param.I32),
  REDUCE_TILED("reduce", "jg_reduce_tiled", Param.PTR, Param.PTR, Param.I64, Param.I64, Param.I64,
      Param.I32),
  COPY_AXIS("layout", "jg_copy_axis", Param.PTR, Param.I64, Param.I64, Param.PTR, Param.I64,
      Param.I64, Param.I64, Param.I64, Param.I64),
  /** The view's dims and strides travel in the BcastParams struct (bStride unused, 0). */
  COPY_STRIDED("layout", "jg_copy_strided", Param.PTR, Param.I64, Param.PTR, Param.I64,
      Param.BCAST),
  TRANSPOSE("layout", "jg_transpose", Param.PTR, Param.PTR, Param.I64, Param.I64, Param.I64),
  INDEX_SELECT("layout", "jg_index_select", Param.PTR, Param.I64, Param.I64, Param.I64, Param.PTR,
      Param.I64, Param.PTR, Param.PTR),
  INDEX_ADD("layout", "jg_index_add", Param.PTR, Param.PTR, Param.I64, Param.PTR, Param.I64,
      Param.I64, Param.I64, Param.PTR),
  ONE_HOT("layout", "jg_one_hot", Param.PTR, Param.I64, Param.I64, Param.PTR, Param.PTR),
  /** cuBLAS's strided-batched GEMM call, alpha 1 and beta 0 ({@link PtxGemm}). */
  GEMM("gemm", "jg_gemm", Param.I32, Param.I32, Param.I32, Param.I32, Param.I32, Param.PTR,
      Param.I64, Param.I64, Param.PTR, Param.I64, Param.I64, Param.PTR, Param.I64, Param.I64,
      Param.I32);

  /** The kinds of kernel parameter, as they appear in PTX. */
  enum Param {
    /** A device pointer (or 0 for an optional one). */
    PTR,
    /** A C {@code long long}. */
    I64,
    /** A C {@code int}. */
    I32,
    /** A value of the kernel's dtype: {@code float} or {@code double}. */
    SCALAR,
    /** The {@code BcastParams} struct, passed by value. */
    BCAST;

    /** How nvcc declares this parameter in PTX, e.g. {@code .u64}. */
    String ptxType(DType dtype) {
      return switch (this) {
        case PTR, I64 -> ".u64";
        case I32 -> ".u32";
        case SCALAR -> dtype == DType.FLOAT32 ? ".f32" : ".f64";
        case BCAST -> ".align 8 .b8[" + BroadcastPlan.STRUCT_BYTES + "]";
      };
    }
  }

  private final String module;
  private final String baseName;
  private final List<Param> params;

  Kernel(String module, String baseName, Param... params) {
    this.module = module;
    this.baseName = baseName;
    this.params = List.of(params);
  }

  /** The PTX resource {@code dev/jgrad/cuda/<module>.ptx} that defines this kernel. */
  String module() {
    return module;
  }

  /** The entry point for one dtype, e.g. {@code jg_unary_f32}. */
  String entry(DType dtype) {
    return baseName + switch (dtype) {
      case FLOAT32 -> "_f32";
      case FLOAT64 -> "_f64";
      case INT32 -> "_i32";
      case UINT8 -> "_u8";
    };
  }

  /**
   * The dtypes this kernel has entries for: FLOAT32 and FLOAT64; every dtype for
   * {@link #CONVERT}; UINT8 too for the kernels that only move elements ({@link #COPY_AXIS},
   * {@link #COPY_STRIDED}, {@link #INDEX_SELECT}). (INT32 data is copied and gathered by the
   * FLOAT32 entries, which only move 4-byte words.)
   */
  List<DType> dtypes() {
    return switch (this) {
      case CONVERT -> List.of(DType.values());
      case COPY_AXIS, COPY_STRIDED, INDEX_SELECT ->
          List.of(DType.FLOAT32, DType.FLOAT64, DType.UINT8);
      default -> List.of(DType.FLOAT32, DType.FLOAT64);
    };
  }

  List<Param> params() {
    return params;
  }
}
