package dev.jgrad.io;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The JSON that jgrad's files embed (the safetensors header's, a model description), read and
 * written the way the safetensors header is: strict, bounded in depth and size, compact and
 * byte-stable on output.
 *
 * <p>Parsed values: {@code Map<String, Object>} (in file order), {@code List<Object>},
 * {@code String}, {@code Long}, {@code Double}, {@code Boolean} and {@code null}.
 */
public final class Json {
  private Json() {}

  /**
   * The single value in {@code text}; malformed or too deeply nested JSON fails with a
   * {@link FileFormatException} naming {@code source}, {@code what} ("model description") and
   * the character where the problem is.
   */
  public static Object parse(String source, String what, String text) throws FileFormatException {
    checkNotNull(text, "%s of %s is null", what, source);
    try {
      return new JsonReader(text).parse();
    } catch (JsonReader.ParseException e) {
      throw new FileFormatException(source, -1, "bad JSON in the " + what,
          e.getMessage() + " at character " + e.charOffset);
    }
  }

  /** Compact JSON of maps (in iteration order), lists, strings, integers, finite doubles, booleans. */
  public static String write(Object value) {
    return JsonWriter.write(value);
  }
}
