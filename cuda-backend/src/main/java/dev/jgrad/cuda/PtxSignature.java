package dev.jgrad.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel entry points of a PTX text and their parameter types as PTX declares them
 * ({@code .u64}, {@code .f32}, {@code .align 8 .b8[200]}...). Used to check arguments against
 * the kernel before a launch, since a wrong argument list cannot be detected by the driver.
 */
final class PtxSignature {
  private static final Pattern ENTRY =
      Pattern.compile("\\.entry\\s+([\\w$]+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
  private static final Pattern PARAM = Pattern.compile(
      "\\.param\\s+(\\.align\\s+\\d+\\s+)?(\\.\\w+)\\s+[\\w$]+\\s*(\\[\\d+\\])?");

  private PtxSignature() {}

  /** Entry name to parameter types, in declaration order. */
  static Map<String, List<String>> parse(String ptx) {
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
}
