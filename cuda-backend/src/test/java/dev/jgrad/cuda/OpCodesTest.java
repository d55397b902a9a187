package dev.jgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.api.BinaryOp;
import dev.jgrad.api.DType;
import dev.jgrad.api.ReduceOp;
import dev.jgrad.api.UnaryOp;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The op and primitive codes in Java match the #defines the kernels switch on. */
class OpCodesTest {
  private static Map<String, Integer> defines() throws IOException {
    String header = Files.readString(TestTools.MODULE.resolve("src/main/cuda/common.cuh"));
    Matcher m = Pattern.compile("(?m)^#define (JG_\\w+) (\\d+)$").matcher(header);
    Map<String, Integer> d = new HashMap<>();
    while (m.find()) {
      d.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return d;
  }

  @Test
  void unaryCodesMatchTheHeader() throws IOException {
    Map<String, Integer> d = defines();
    for (UnaryOp op : UnaryOp.values()) {
      assertEquals(d.get("JG_UNARY_" + op.name()), OpCodes.unary(op), op.name());
    }
    assertEquals(d.get("JG_UNARY_IDENTITY"), OpCodes.IDENTITY);
  }

  @Test
  void binaryCodesMatchTheHeader() throws IOException {
    Map<String, Integer> d = defines();
    for (BinaryOp op : BinaryOp.values()) {
      assertEquals(d.get("JG_BINARY_" + op.name()), OpCodes.binary(op), op.name());
    }
  }

  @Test
  void reduceCodesMatchTheHeader() throws IOException {
    Map<String, Integer> d = defines();
    for (ReduceOp op : ReduceOp.values()) {
      assertEquals(d.get("JG_REDUCE_" + op.name()), OpCodes.reduce(op), op.name());
    }
  }

  @Test
  void dtypeCodesOfConvertMatchTheHeader() throws IOException {
    Map<String, Integer> d = defines();
    for (DType dt : DType.values()) {
      assertEquals(d.get("JG_DTYPE_" + dt.name()), OpCodes.dtype(dt), dt.name());
    }
  }

  @Test
  void primitiveCodesOfTheErrorRecordMatchTheHeader() throws IOException {
    Map<String, Integer> d = defines();
    assertEquals(d.get("JG_PRIM_INDEX_SELECT"), IndexErrorRecord.INDEX_SELECT);
    assertEquals(d.get("JG_PRIM_INDEX_ADD"), IndexErrorRecord.INDEX_ADD);
    assertEquals(d.get("JG_PRIM_ONE_HOT"), IndexErrorRecord.ONE_HOT);
    assertEquals(d.get("JG_PRIM_SOFTMAX_XENT"), IndexErrorRecord.SOFTMAX_XENT);
  }

  @Test
  void broadcastLimitMatchesTheHeader() throws IOException {
    assertEquals(defines().get("JG_MAX_DIMS"), BroadcastPlan.MAX_DIMS);
    assertTrue(BroadcastPlan.STRUCT_BYTES == 8 * (1 + 3 * BroadcastPlan.MAX_DIMS));
  }
}
