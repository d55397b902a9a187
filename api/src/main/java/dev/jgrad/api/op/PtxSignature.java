package dev.jgrad.api.op;

import dev.jgrad.api.DType;
import dev.jgrad.api.DeviceBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel entry points of a PTX text and their parameter types as PTX declares them
 * ({@code .u64}, {@code .f32}, {@code .align 8 .b8[200]}...), and which argument fits which type.
 * A wrong argument list cannot be detected by the driver (the kernel reads garbage or faults), so
 * {@link PtxKernel} checks its arguments against these when its op is registered, on any machine,
 * and the CUDA backend again at each launch; both read the PTX with this one parser.
 */
public final class PtxSignature {
  private static final Pattern ENTRY =
      Pattern.compile("\\.entry\\s+([\\w$]+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile(
      "\\.param\\s+(\\.align\\s+\\d+\\s+)?(\\.\\w+)\\s+[\\w$]+\\s*(\\[\\d+\\])?");

  /** The kind of a device pointer or 64-bit integer argument. */
  public static final String WORD64 = "64";
  /** The kind of a 32-bit integer argument. */
  public static final String WORD32 = "32";
  /** The kind of a {@code float} argument. */
  public static final String F32 = "f32";
  /** The kind of a {@code double} argument. */
  public static final String F64 = "f64";

  private PtxSignature() {}

  /** Entry name to parameter types, in declaration order. */
  public static Map<String, List<String>> parse(String ptx) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Matcher e = ENTRY.matcher(ptx);
    while (e.find()) {
      List<String> types = new ArrayList<>();
      Matcher p = PARAM.matcher(e.group(2));
      while (p.find()) {
        String align = p.group(1) == null ? "" : p.group(1).trim().replaceAll("\\s+", " ") + " ";
        types.add(align + p.group(2) + (p.group(3) == null ? "" : p.group(3)));
      }
      out.put(e.group(1), types);
    }
    return out;
  }

  /**
   * How an argument of the types {@link PtxKernel} documents is passed: a {@link DeviceBuffer}
   * or {@code Long} as {@link #WORD64}, an {@code Integer} as {@link #WORD32}, a {@code Float}
   * as {@link #F32} and a {@code Double} as {@link #F32} for FLOAT32 calls, else {@link #F64};
   * null for any other type (a backend's own, or a mistake the launcher reports).
   */
  public static String kindOf(Object arg, DType dtype) {
    if (arg instanceof DeviceBuffer || arg instanceof Long) {
      return WORD64;
    } else if (arg instanceof Integer) {
      return WORD32;
    } else if (arg instanceof Float) {
      return F32;
    } else if (arg instanceof Double) {
      return dtype == DType.FLOAT32 ? F32 : F64;
    }
    return null;
  }

  /**
   * Whether an argument of {@code kind} fits a parameter of {@code ptxType}: integers and
   * pointers by width in any signedness, floats exactly or as bits of their width, and a struct
   * of {@code n} bytes ({@code ".b8[n]"}) a {@code .b8[n]} parameter of any alignment.
   */
  public static boolean fits(String kind, String ptxType) {
    return switch (kind) { // no regex: this runs for every argument of every launch
      case WORD64 -> ptxType.equals(".u64") || ptxType.equals(".s64") || ptxType.equals(".b64");
      case WORD32 -> ptxType.equals(".u32") || ptxType.equals(".s32") || ptxType.equals(".b32");
      case F32 -> ptxType.equals(".f32") || ptxType.equals(".b32");
      case F64 -> ptxType.equals(".f64") || ptxType.equals(".b64");
      default -> kind.startsWith(".b8[") && ptxType.endsWith(kind); // ".align 8 .b8[584]"
    };
  }
}
