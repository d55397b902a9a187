package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static Object parse(String text) throws Json.ParseException {
    return new Json.Parser(text).parse();
  }

  @Test
  void parsesEveryKindOfValue() throws Json.ParseException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "a\"b\\c/d\b\f\n\r\t\u00e9\u2603");
    expected.put("n", List.of(0L, -12L, 1.5, -2.5e-3, 1e10));
    expected.put("b", List.of(true, false));
    expected.put("z", null);
    expected.put("o", Map.of());
    Object parsed = parse(" { \"s\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\u2603\",\n"
        + " \"n\":[0,-12,1.5,-2.5e-3,1E10], \"b\":[true,false], \"z\":null, \"o\":{} } ");
    assertEquals(expected, parsed);
    assertNull(((Map<?, ?>) parsed).get("z"));
  }

  @Test
  void writesCompactlyAndEscapesAsSerdeJsonDoes() throws Json.ParseException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("k\u0001\"", List.of(1L, 2, true));
    value.put("\u00e9/", Map.of("x", "\n\t\u001f\u007f"));
    String json = Json.write(value);
    assertEquals("{\"k\\u0001\\\"\":[1,2,true],\"\u00e9/\":{\"x\":\"\\n\\t\\u001f\u007f\"}}",
        json);
    Map<String, Object> back = new LinkedHashMap<>(value);
    back.put("k\u0001\"", List.of(1L, 2L, true));
    assertEquals(back, parse(json));
  }

  @Test
  void reportsTheOffsetOfEachError() {
    assertError("{\"a\":1,}", 7, "unexpected '}', expected a key string");
    assertError("{\"a\" 1}", 5, "unexpected '1', expected ':'");
    assertError("[1 2]", 3, "unexpected '2', expected ',' or ']'");
    assertError("{\"a\":\"x", 5, "unterminated string");
    assertError("\"a\nb\"", 2, "control character U+000A in a string; it must be escaped");
    assertError("\"\\x\"", 1, "unknown escape \\x");
    assertError("\"\\u12G4\"", 1, "bad \\u escape, expected 4 hex digits");
    assertError("01", 1, "unexpected '1' after the JSON value");
    assertError("-", 0, "malformed number, expected a digit after '-'");
    assertError("1.e5", 0, "malformed number, expected a digit after '.'");
    assertError("99999999999999999999", 0, "integer 99999999999999999999 does not fit 64 bits");
    assertError("tru", 0, "unexpected 't', expected a value");
    assertError("", 0, "unexpected end of JSON, expected a value");
    assertError("{\"a\":1,\"a\":2}", 7, "duplicate key \"a\"");
    char[] deep = new char[100];
    Arrays.fill(deep, '[');
    assertError(new String(deep), 65, "nested deeper than 64 levels");
  }

  @Test
  void remembersWhereEachObjectStarts() throws Json.ParseException {
    Json.Parser parser = new Json.Parser("{\"a\": {\"b\":{}}}");
    Map<?, ?> root = (Map<?, ?>) parser.parse();
    Map<?, ?> a = (Map<?, ?>) root.get("a");
    assertEquals(0, parser.offsetOf(root));
    assertEquals(6, parser.offsetOf(a));
    assertEquals(11, parser.offsetOf(a.get("b")));
    assertEquals(-1, parser.offsetOf("not parsed here"));
  }

  private static void assertError(String text, int offset, String message) {
    Json.ParseException e = assertThrows(Json.ParseException.class, () -> parse(text), text);
    assertEquals(message, e.getMessage(), text);
    assertEquals(offset, e.charOffset, text);
  }
}
