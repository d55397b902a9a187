package dev.jgrad.io;

import java.util.List;
import java.util.Map;

/**
 * Writes the compact JSON of the safetensors header by hand, byte for byte as serde_json (the
 * reference implementation's writer) does: Jackson's generator escapes control characters with
 * upper-case hex (backslash u001F) where serde writes lower case (u001f), and checkpoints must stay
 * byte-identical. Reading goes through Jackson ({@link JsonReader}).
 */
final class JsonWriter {
  private JsonWriter() {}

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

  /** Whether {@code s} holds a surrogate pair at {@code i} (a high one, then a low one). */
  private static boolean pairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  /** {@code s} quoted for a message, its surrogates shown as escapes. */
  private static String quoteLoosely(String s) {
    StringBuilder sb = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      sb.append(Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : c);
    }
    return sb.append("'").toString();
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
          } else if (Character.isSurrogate(c) && !pairAt(s, i)) {
            // UTF-8 cannot hold it: the file would read back with '?' in its place
            throw new IllegalArgumentException(String.format("cannot write the string %s: it "
                + "holds a lone surrogate \\u%04x at %d, which UTF-8 cannot hold; remove it or "
                + "give its pair", quoteLoosely(s), (int) c, i));
          } else if (Character.isHighSurrogate(c)) {
            sb.append(c).append(s.charAt(++i)); // a pair: one character past the BMP
          } else {
            sb.append(c); // non-ASCII stays as is; the header is UTF-8
          }
      }
    }
    return sb.append('"').toString();
  }
}
