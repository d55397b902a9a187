package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void writesCompactlyAndEscapesAsSerdeJsonDoes() throws JsonReader.ParseException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("k\u0001\"", List.of(1L, 2, true));
    value.put("\u00e9/", Map.of("x", "\n\t\u001f\u007f"));
    value.put("z", null);
    String json = JsonWriter.write(value);
    assertEquals("{\"k\\u0001\\\"\":[1,2,true],\"\u00e9/\":{\"x\":\"\\n\\t\\u001f\u007f\"},"
        + "\"z\":null}", json);
    Map<String, Object> back = new LinkedHashMap<>(value);
    back.put("k\u0001\"", List.of(1L, 2L, true));
    assertEquals(back, new JsonReader(json).parse(), "Jackson reads back what we write");
  }

  @Test
  void refusesWhatJsonCannotHold() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonWriter.write(List.of(new Object())));
    assertEquals("cannot write java.lang.Object as JSON; pass maps, lists, strings, integers,"
        + " booleans or null", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Double.NaN));
  }
}
