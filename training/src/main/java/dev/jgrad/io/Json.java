package dev.jgrad.io;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of JSON the safetensors header needs, without a dependency: a strict parser
 * (RFC 8259: no comments, no trailing commas, no duplicate keys) and a compact writer whose output
 * matches serde_json, the reference implementation's writer, byte for byte.
 *
 * <p>Parsed values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Long} for integers, {@code Double} for other numbers, {@code Boolean}
 * and {@code null}.
 */
final class Json {
  /** Deeper nesting is rejected, so a hostile header cannot overflow the stack. */
  private static final int MAX_DEPTH = 64;

  private Json() {}

  /** Malformed JSON; {@link #charOffset} is where in the text the problem was found. */
  static final class ParseException extends Exception {
    final int charOffset;

    ParseException(int charOffset, String message) {
      super(message);
      this.charOffset = charOffset;
    }
  }

  /** Parses {@code text}; {@link #offsetOf} then tells where each object started. */
  static final class Parser {
    private final String text;
    private final IdentityHashMap<Object, Integer> objectOffsets = new IdentityHashMap<>();
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    /** The single value in the text, with only whitespace around it. */
    Object parse() throws ParseException {
      skipWhitespace();
      Object value = value(0);
      skipWhitespace();
      if (pos < text.length()) {
        throw new ParseException(pos, "unexpected " + describe(pos) + " after the JSON value");
      }
      return value;
    }

    /** Character offset where the object {@code map} (a parsed value) began, or -1. */
    int offsetOf(Object map) {
      Integer at = objectOffsets.get(map);
      return at == null ? -1 : at;
    }

    private Object value(int depth) throws ParseException {
      if (depth > MAX_DEPTH) {
        throw new ParseException(pos, "nested deeper than " + MAX_DEPTH + " levels");
      }
      if (pos >= text.length()) {
        throw new ParseException(pos, "unexpected end of JSON, expected a value");
      }
      char c = text.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw new ParseException(pos, "unexpected " + describe(pos) + ", expected a value");
      }
    }

    private Map<String, Object> object(int depth) throws ParseException {
      Map<String, Object> map = new LinkedHashMap<>();
      objectOffsets.put(map, pos);
      pos++; // '{'
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw new ParseException(pos, "unexpected " + describe(pos) + ", expected a key string");
        }
        int keyAt = pos;
        String key = string();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (map.containsKey(key)) {
          throw new ParseException(keyAt, "duplicate key " + quote(key));
        }
        map.put(key, value(depth + 1));
        skipWhitespace();
        if (peek() == ',') {
          pos++;
        } else if (peek() == '}') {
          pos++;
          return map;
        } else {
          throw new ParseException(pos, "unexpected " + describe(pos) + ", expected ',' or '}'");
        }
      }
    }

    private List<Object> array(int depth) throws ParseException {
      List<Object> list = new java.util.ArrayList<>();
      pos++; // '['
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth + 1));
        skipWhitespace();
        if (peek() == ',') {
          pos++;
        } else if (peek() == ']') {
          pos++;
          return list;
        } else {
          throw new ParseException(pos, "unexpected " + describe(pos) + ", expected ',' or ']'");
        }
      }
    }

    private String string() throws ParseException {
      int start = pos;
      pos++; // opening quote
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw new ParseException(start, "unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        } else if (c < 0x20) {
          throw new ParseException(pos - 1, String.format(
              "control character U+%04X in a string; it must be escaped", (int) c));
        } else if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (pos >= text.length()) {
          throw new ParseException(start, "unterminated string");
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '"': sb.append('"'); break;
          case '\\': sb.append('\\'); break;
          case '/': sb.append('/'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'u':
            if (pos + 4 > text.length()) {
              throw new ParseException(pos - 2, "truncated \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = Character.digit(text.charAt(pos + i), 16);
              if (digit < 0) {
                throw new ParseException(pos - 2, "bad \\u escape, expected 4 hex digits");
              }
              code = code * 16 + digit;
            }
            pos += 4;
            sb.append((char) code);
            break;
          default:
            throw new ParseException(pos - 2, "unknown escape \\" + e);
        }
      }
    }

    private Object number() throws ParseException {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else if (!digits()) {
        throw new ParseException(start, "malformed number, expected a digit after '-'");
      }
      boolean integral = true;
      if (peek() == '.') {
        pos++;
        integral = false;
        if (!digits()) {
          throw new ParseException(start, "malformed number, expected a digit after '.'");
        }
      }
      if (peek() == 'e' || peek() == 'E') {
        pos++;
        integral = false;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        if (!digits()) {
          throw new ParseException(start, "malformed number, expected a digit in the exponent");
        }
      }
      String literal = text.substring(start, pos);
      if (!integral) {
        return Double.parseDouble(literal);
      }
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException e) {
        throw new ParseException(start, "integer " + literal + " does not fit 64 bits");
      }
    }

    private boolean digits() {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      return pos > start;
    }

    private Object literal(String word, Object value) throws ParseException {
      if (!text.startsWith(word, pos)) {
        throw new ParseException(pos, "unexpected " + describe(pos) + ", expected a value");
      }
      pos += word.length();
      return value;
    }

    private void expect(char c) throws ParseException {
      if (peek() != c) {
        throw new ParseException(pos, "unexpected " + describe(pos) + ", expected '" + c + "'");
      }
      pos++;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    private String describe(int at) {
      if (at >= text.length()) {
        return "end of JSON";
      }
      char c = text.charAt(at);
      return c < 0x20 || c > 0x7E ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }
  }

  /**
   * Compact JSON for a Map (keys in iteration order), List, String, Long/Integer, finite Double,
   * Boolean or null.
   */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    return sb.toString();
  }

  private static void write(Object value, StringBuilder sb) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String) {
      sb.append(quote((String) value));
    } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Double && Double.isFinite((Double) value)) {
      sb.append(value); // Java's spelling (1.0E-5); the parser reads it back, serde may differ

    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        sb.append(first ? "" : ",").append(quote((String) e.getKey())).append(':');
        write(e.getValue(), sb);
        first = false;
      }
      sb.append('}');
    } else if (value instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        sb.append(first ? "" : ",");
        write(item, sb);
        first = false;
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName()
          + " as JSON; pass maps, lists, strings, integers, booleans or null");
    }
  }

  /** A JSON string literal, escaped as serde_json does: short escapes, else lowercase \\u00XX. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\b': sb.append("\\b"); break;
        case '\f': sb.append("\\f"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c); // non-ASCII stays as is; the header is UTF-8
          }
      }
    }
    return sb.append('"').toString();
  }
}
