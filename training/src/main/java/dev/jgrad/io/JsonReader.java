package dev.jgrad.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the safetensors header with jackson-core's streaming parser (strict RFC 8259 by default:
 * no comments, NaN, single quotes, trailing commas or leading zeros), bounded by
 * {@link StreamReadConstraints} so a hostile header cannot exhaust the stack or the heap, and
 * turns Jackson's exceptions into a {@link ParseException} with the character offset of the fault.
 *
 * <p>Parsed values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long} for integers, {@code Double} for other numbers, {@code Boolean}
 * and {@code null}.
 */
final class JsonReader {
  /** Deeper nesting is rejected; it also bounds this class's recursion. */
  static final int MAX_DEPTH = 64;

  /** A 64-bit integer has at most 20 characters and a double's shortest form 25. */
  static final int MAX_NUMBER_LENGTH = 100;

  /**
   * The header is at most {@link SafeTensors#MAX_HEADER_BYTES}; a string or a key may be as long
   * (Jackson's defaults, 20M and 50K characters, would refuse headers the reference reads).
   */
  static final StreamReadConstraints HEADER_CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH)
      .maxNumberLength(MAX_NUMBER_LENGTH)
      .maxDocumentLength(SafeTensors.MAX_HEADER_BYTES)
      .maxStringLength((int) SafeTensors.MAX_HEADER_BYTES)
      .maxNameLength((int) SafeTensors.MAX_HEADER_BYTES)
      .build();

  /** Malformed JSON; {@link #charOffset} is where in the text the problem was found. */
  static final class ParseException extends Exception {
    final int charOffset;

    ParseException(int charOffset, String message) {
      super(message);
      this.charOffset = charOffset;
    }
  }

  private final String text;
  private final JsonFactory factory;
  private final IdentityHashMap<Object, Integer> objectOffsets = new IdentityHashMap<>();

  JsonReader(String text) {
    this(text, HEADER_CONSTRAINTS);
  }

  /** With other limits, for tests that need small ones. */
  JsonReader(String text, StreamReadConstraints constraints) {
    this.text = text;
    // Keys are not interned nor kept in Jackson's shared symbol table: a hostile header's names
    // would otherwise stay in memory after the read.
    this.factory = JsonFactory.builder()
        .streamReadConstraints(constraints)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
        .build();
  }

  /** The single value in the text, with only whitespace around it. */
  Object parse() throws ParseException {
    JsonParser parser;
    try {
      parser = factory.createParser(text);
    } catch (IOException e) { // a String's length is checked against the limit here
      throw new ParseException(0, problem(String.valueOf(e.getMessage())));
    }
    // Closed in finally, not with try-with-resources: the catch below asks the open parser
    // where it stopped.
    try {
      if (parser.nextToken() == null) {
        throw new ParseException(0, "unexpected end of JSON, expected a value");
      }
      Object value = value(parser);
      JsonToken after;
      try {
        after = parser.nextToken();
      } catch (JsonProcessingException e) { // Jackson reads a second root value, "{} x" fails so
        int at = offset(e.getLocation(), parser);
        throw new ParseException(at, "unexpected " + describe(at) + " after the JSON value");
      }
      if (after != null) {
        int at = tokenOffset(parser);
        throw new ParseException(at, "unexpected " + describe(at) + " after the JSON value");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new ParseException(offset(e.getLocation(), parser), problem(e.getOriginalMessage()));
    } catch (IOException e) { // a String has no I/O to fail: only a limit can raise one
      throw new ParseException(offset(null, parser), problem(String.valueOf(e.getMessage())));
    } finally {
      try {
        parser.close();
      } catch (IOException e) {
        throw new AssertionError("closing a String parser does not fail", e);
      }
    }
  }

  /** Character offset where the object {@code map} (a parsed value) began, or -1. */
  int offsetOf(Object map) {
    Integer at = objectOffsets.get(map);
    return at == null ? -1 : at;
  }

  /** The value whose first token is the parser's current one. */
  private Object value(JsonParser parser) throws IOException, ParseException {
    switch (parser.currentToken()) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        objectOffsets.put(map, tokenOffset(parser));
        while (parser.nextToken() != JsonToken.END_OBJECT) {
          String key = checkedText(parser.currentName(), parser);
          // Checked here rather than by STRICT_DUPLICATE_DETECTION: Jackson reports the place
          // after the key, this gives where the key starts.
          if (map.containsKey(key)) {
            throw new ParseException(tokenOffset(parser), "duplicate key " + JsonWriter.quote(key));
          }
          parser.nextToken();
          map.put(key, value(parser));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        return list;
      }
      case VALUE_STRING:
        return checkedText(parser.getText(), parser);
      case VALUE_NUMBER_INT:
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new ParseException(tokenOffset(parser),
              "integer " + parser.getText() + " does not fit 64 bits");
        }
        return parser.getLongValue();
      case VALUE_NUMBER_FLOAT: {
        // Jackson reads 1e999 as infinity, which no JSON writer can write back and no message
        // can quote as JSON; serde_json, the reference's parser, refuses it too.
        double d = parser.getDoubleValue();
        if (!Double.isFinite(d)) {
          throw new ParseException(tokenOffset(parser), "number " + parser.getText()
              + " is beyond the range of a double");
        }
        return d;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new AssertionError("Jackson gave " + parser.currentToken() + " where a value starts");
    }
  }

  /**
   * {@code text}, a string or key of the current token, unless it holds a lone surrogate (the
   * escape of U+D800 to U+DFFF without its pair): Jackson passes one through, but it is no text,
   * UTF-8 cannot hold it (a name or metadata value written back would change to '?'), and
   * serde_json, the reference's parser, refuses it.
   */
  private static String checkedText(String text, JsonParser parser) throws ParseException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one character beyond the Basic Multilingual Plane
      } else if (Character.isSurrogate(c)) {
        throw new ParseException(tokenOffset(parser), String.format("lone surrogate \\u%04x in"
            + " a string; a surrogate escape must be followed by its pair", (int) c));
      }
    }
    return text;
  }

  private static int tokenOffset(JsonParser parser) {
    return (int) parser.currentTokenLocation().getCharOffset();
  }

  /**
   * Where Jackson found the fault; a limit exceeded carries no location: then the start of the
   * token that exceeded it (the number, the string, the bracket one level too deep).
   */
  private int offset(JsonLocation location, JsonParser parser) {
    long at = location != null && location.getCharOffset() >= 0
        ? location.getCharOffset() : parser.currentTokenLocation().getCharOffset();
    return (int) Math.max(0, Math.min(at, text.length()));
  }

  private String describe(int at) {
    if (at >= text.length()) {
      return "end of JSON";
    }
    char c = text.charAt(at);
    return c < 0x20 || c > 0x7E ? String.format("character U+%04X", (int) c) : "'" + c + "'";
  }

  /**
   * Jackson's message, without what concerns Jackson's users rather than ours: the character
   * codes beside the character, the settings that would allow non-standard JSON, where an
   * unclosed object began (as a redacted source), the setter of the limit.
   */
  static String problem(String jacksonMessage) {
    String m = jacksonMessage.lines().findFirst().orElse("malformed JSON")
        .replaceAll("\\('(.)' \\(code \\d+\\)\\)", "'$1'")
        .replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)")
        .replaceAll(", from `[^`]*`", "")
        .replaceAll(" \\(start marker at \\[Source: [^\\]]*\\]\\)", "")
        .replaceAll(": enable `[^`]*` to allow$", "")
        .replaceAll(": maybe a \\(non-standard\\) comment\\?.*$", ": comments are not JSON")
        .replace("end-of-inputNo", "end-of-input: no");
    return Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }
}
