package dev.jgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Jackson adapter: values, strictness, and each hostile input with its offset. */
class JsonReaderTest {
  private static Object parse(String text) throws JsonReader.ParseException {
    return new JsonReader(text).parse();
  }

  @Test
  void parsesEveryKindOfValue() throws JsonReader.ParseException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "a\"b\\c/d\b\f\n\r\t\u00e9\u2603");
    expected.put("n", List.of(0L, -12L, 1.5, -2.5e-3, 1e10, Long.MAX_VALUE, Long.MIN_VALUE));
    expected.put("b", List.of(true, false));
    expected.put("z", null);
    expected.put("o", Map.of());
    Object parsed = parse(" { \"s\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\u2603\",\n"
        + " \"n\":[0,-12,1.5,-2.5e-3,1E10,9223372036854775807,-9223372036854775808],"
        + " \"b\":[true,false], \"z\":null, \"o\":{} } ");
    assertEquals(expected, parsed);
    assertEquals(List.of("s", "n", "b", "z", "o"), List.copyOf(((Map<?, ?>) parsed).keySet()),
        "insertion order kept");
    assertNull(((Map<?, ?>) parsed).get("z"));
  }

  @Test
  void reportsTheOffsetOfEachSyntaxError() {
    assertError("{\"a\":1,}", 7,
        "unexpected character '}': was expecting double-quote to start field name");
    assertError("{\"a\" 1}", 5,
        "unexpected character '1': was expecting a colon to separate field name and value");
    assertError("[1 2]", 3,
        "unexpected character '2': was expecting comma to separate Array entries");
    assertError("[1,]", 3, "unexpected character ']': expected a valid value");
    assertError("{\"a\":\"x", 7,
        "unexpected end-of-input: was expecting closing quote for a string value");
    assertError("\"a\nb\"", 2, "illegal unquoted character (control character 10): has to be"
        + " escaped using backslash to be included in string value");
    assertError("\"\\x\"", 2, "unrecognized character escape 'x'");
    assertError("\"\\u12G4\"", 5,
        "unexpected character 'G': expected a hex-digit for character escape sequence");
    assertError("01", 1, "invalid numeric value: Leading zeroes not allowed");
    assertError("-", 1, "unexpected end-of-input: no digit following sign");
    assertError("1.e5", 1, "unexpected character 'e' in numeric value: Decimal point not"
        + " followed by a digit");
    assertError("tru", 0, "unrecognized token 'tru': was expecting");
    assertError("", 0, "unexpected end of JSON, expected a value");
    assertError("   ", 0, "unexpected end of JSON, expected a value");
  }

  @Test
  void rejectsNonStandardJson() {
    assertError("[NaN]", 4, "non-standard token 'NaN'");
    assertError("[-Infinity]", 10, "non-standard token '-Infinity'");
    assertError("{'a':1}", 1, "unexpected character ''': was expecting double-quote");
    assertError("[/*c*/1]", 1, "unexpected character '/': comments are not JSON");
    assertError("[1]/*c*/", 3, "unexpected '/' after the JSON value");
    assertError("{a:1}", 1, "unexpected character 'a': was expecting double-quote");
  }

  @Test
  void rejectsTrailingGarbageAfterTheValue() {
    assertError("{} x", 3, "unexpected 'x' after the JSON value");
    assertError("{\"a\":1}garbage", 7, "unexpected 'g' after the JSON value");
    assertError("{} {}", 3, "unexpected '{' after the JSON value");
    assertError("{}\u00a0", 2, "unexpected character U+00A0 after the JSON value");
  }

  @Test
  void rejectsDuplicateKeysWhereTheSecondStarts() {
    assertError("{\"a\":1,\"a\":2}", 7, "duplicate key \"a\"");
    assertError("{\"o\":{\"k\":1,\"x\":[],\"k\":{}}}", 19, "duplicate key \"k\"");
  }

  @Test
  void refusesIntegersBeyond64Bits() {
    assertError("[1, 99999999999999999999]", 4, "integer 99999999999999999999 does not fit 64"
        + " bits");
    assertError("-9223372036854775809", 0, "integer -9223372036854775809 does not fit 64 bits");
  }

  @Test
  void boundsNestingNumbersStringsAndTheDocument() throws JsonReader.ParseException {
    assertError("[".repeat(100), 64, "document nesting depth (65) exceeds the maximum allowed"
        + " (64)");
    Object deepest = parse("[".repeat(64) + "1" + "]".repeat(64));
    for (int depth = 1; depth < 64; depth++) {
      deepest = ((List<?>) deepest).get(0);
    }
    assertEquals(List.of(1L), deepest, "64 levels are allowed");
    assertError("[" + "1".repeat(150) + ".5]", 1, "number value length (151) exceeds the maximum"
        + " allowed (100)");

    StreamReadConstraints small = StreamReadConstraints.builder()
        .maxStringLength(10).maxNameLength(10).maxDocumentLength(30).build();
    assertError(new JsonReader("[\"" + "x".repeat(11) + "\"]", small), "string value length (11)"
        + " exceeds the maximum allowed (10)");
    assertError(new JsonReader("{\"" + "k".repeat(11) + "\":1}", small), "name length (11)"
        + " exceeds the maximum allowed (10)");
    assertError(new JsonReader("[" + "1,".repeat(20) + "1]", small), "document length");
    assertEquals(List.of("x".repeat(10)), new JsonReader("[\"" + "x".repeat(10) + "\"]", small)
        .parse());
  }

  @Test
  void remembersWhereEachObjectStarts() throws JsonReader.ParseException {
    JsonReader reader = new JsonReader("{\"a\": {\"b\":{}}, \"c\": [{}]}");
    Map<?, ?> root = (Map<?, ?>) reader.parse();
    Map<?, ?> a = (Map<?, ?>) root.get("a");
    assertEquals(0, reader.offsetOf(root));
    assertEquals(6, reader.offsetOf(a));
    assertEquals(11, reader.offsetOf(a.get("b")));
    assertEquals(22, reader.offsetOf(((List<?>) root.get("c")).get(0)));
    assertEquals(-1, reader.offsetOf("not parsed here"));
  }

  /** Checks the offset too; {@code message} is a prefix of the error's. */
  private static void assertError(String text, int offset, String message) {
    JsonReader.ParseException e =
        assertThrows(JsonReader.ParseException.class, () -> parse(text), text);
    assertEquals(offset, e.charOffset, text + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith(message),
        text + ": " + e.getMessage());
  }

  private static void assertError(JsonReader reader, String message) {
    JsonReader.ParseException e = assertThrows(JsonReader.ParseException.class, reader::parse);
    assertTrue(e.getMessage().startsWith(message),
        e.getMessage());
  }
}
