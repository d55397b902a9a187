package dev.jgrad.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded edits of a valid JSON document (a safetensors header, a model description), for the
 * reader fuzz tests: a value replaced by one of another type or at the edge of a range (huge,
 * negative, 2^31, 2^63, 1e999, an empty list, a deep nesting) or by another value of the
 * document, a key removed, renamed, repeated or added, list items dropped or repeated, and on the
 * text: an unterminated string, a cut, a stray character. Each edit is a function of the seed
 * and its index, like {@link Mutator}'s mutants.
 */
public final class JsonMutator {
  /** Values at the edges: of int, long and double ranges, of the types readers expect. */
  private static final String[] VALUES = {"0", "-1", "1", "2", "3", "7", "2147483647",
      "2147483648", "-2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
      "-9223372036854775809", "1e999", "-1e999", "1e308", "1.5", "-0.0", "0.5", "1e-400",
      "123456789012345678901234567890", "null", "true", "false", "\"\"", "\"x\"", "\"F32\"",
      "\"F64\"", "\"FLOAT64\"", "\"Linear\"", "\"Sequential\"", "\"__metadata__\"", "\"a.b\"",
      "\"0\"", "[]", "[0]", "[-1]", "[1,1]", "[0,0]", "[2147483647,2147483647,2147483647,0]",
      "[0,2147483647,2147483647,2147483647]", "[[1]]", "{}", "{\"type\":\"ReLU\"}",
      "{\"type\":\"Sequential\"}", "\"" + "A".repeat(300) + "\"", "\"\\u0000\"",
      "\"\\ud800\"", "\"\u00e9\u4e2d\"", "[\"0\",\"0\"]"};

  /** What a reader of a number might trust: signed and unsigned edges, a fraction, no number. */
  private static final String[] NUMBER_EDGES = {"0", "-1", "1", "2147483647", "2147483648",
      "-2147483648", "9223372036854775807", "9223372036854775808", "1e999", "1.5", "\"1\"",
      "null", "[]"};

  /** Of a list (a shape, offsets, children): empty, negative, a product past a long. */
  private static final String[] LIST_EDGES = {"[]", "[0]", "[-1]", "[1,1]", "[0,0]", "[1.5]",
      "[2147483647,2147483647,2147483647,0]", "[0,2147483647,2147483647,2147483647]", "[[1]]",
      "[\"0\",\"0\"]", "3", "null", "{}"};

  /** Of a string (a name, a type, a dtype): empty, odd characters, long, no string. */
  private static final String[] TEXT_EDGES = {"\"\"", "\"x\"", "\"a.b\"", "\"\\u0000\"",
      "\"\\ud800\"", "\"\u00e9\u4e2d\"", "\"" + "A".repeat(300) + "\"", "3", "1e999", "null", "[]",
      "{}"};

  /** Of an object (a tensor entry, a module): empty, a stranger, no object. */
  private static final String[] OBJECT_EDGES = {"{}", "{\"type\":\"ReLU\"}", "[]", "\"x\"", "3",
      "1e999", "null"};

  /** Nesting depths around the parser's limit ({@link JsonReader#MAX_DEPTH}) and far past it. */
  private static final int[] DEPTHS = {10, 63, 64, 65, 100, 1000, 5000};

  /** Keys a reader might not expect: empty, reserved, dotted, a control character, long. */
  private static final String[] ODD_KEYS = {"", "__metadata__", "a.b", "\u0000", "\u00e9",
      "x".repeat(300), "dtype", "type", "optimizer.m.0.weight", " "};

  private static final String STRAY = "{}[]\",:\\0-9eE.a \u0000\u00e9";

  private JsonMutator() {}

  /** An object's members in order; keys may repeat (a mutant's duplicate key). */
  private static final class Obj {
    final List<String> keys = new ArrayList<>();
    final List<Object> values = new ArrayList<>();
  }

  /** A scalar or a nesting as the JSON text to write. */
  private record Raw(String text) {}

  /** Edit {@code index} of {@code json} for the stream {@code seed}; {@code how} says what. */
  private static String mutate(String json, long seed, int index, StringBuilder how) {
    SplittableRandom r = Mutator.random(seed, index);
    Object[] root = {parse(json)};
    int edits = r.nextInt(6) == 0 ? 2 : 1;
    for (int i = 0; i < edits; i++) {
      how.append(i == 0 ? "" : ", then ");
      editTree(root, r, how);
    }
    String text = write(root[0]);
    if (r.nextInt(5) == 0) {
      how.append(", then ");
      text = editText(text, r, how);
    }
    return text;
  }

  private static Object toTree(Object v) {
    if (v instanceof Map<?, ?> map) {
      Obj o = new Obj();
      map.forEach((k, x) -> {
        o.keys.add((String) k);
        o.values.add(toTree(x));
      });
      return o;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(x -> out.add(toTree(x)));
      return out;
    }
    return new Raw(v instanceof String s ? JsonWriter.quote(s) : String.valueOf(v));
  }

  private static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb);
    return sb.toString();
  }

  private static void write(Object v, StringBuilder sb) {
    if (v instanceof Obj o) {
      sb.append('{');
      for (int i = 0; i < o.keys.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(JsonWriter.quote(o.keys.get(i))).append(':');
        write(o.values.get(i), sb);
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",");
        write(list.get(i), sb);
      }
      sb.append(']');
    } else {
      sb.append(((Raw) v).text());
    }
  }

  /** A place holding a value: an object member or a list item. */
  private record Slot(Object container, int index, String path) {
    Object get() {
      return container instanceof Obj o ? o.values.get(index) : ((List<?>) container).get(index);
    }

    @SuppressWarnings("unchecked")
    void set(Object v) {
      if (container instanceof Obj o) {
        o.values.set(index, v);
      } else {
        ((List<Object>) container).set(index, v);
      }
    }
  }

  private static void slots(Object v, String path, List<Slot> out) {
    if (v instanceof Obj o) {
      for (int i = 0; i < o.keys.size(); i++) {
        String at = path + "." + o.keys.get(i);
        out.add(new Slot(o, i, at));
        slots(o.values.get(i), at, out);
      }
    } else if (v instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String at = path + "[" + i + "]";
        out.add(new Slot(list, i, at));
        slots(list.get(i), at, out);
      }
    }
  }

  /** An edited document and what was changed. */
  public record Edit(String how, String json) {}

  /** The {@link #targeted} edits, then {@code random} more by {@link #mutate}, indexed on. */
  public static List<Edit> edits(String json, long seed, int extra, int random) {
    List<Edit> all = targeted(json, seed, extra);
    for (int i = all.size(), end = all.size() + random; i < end; i++) {
      StringBuilder how = new StringBuilder();
      String edited = mutate(json, seed, i, how);
      all.add(new Edit(how.toString(), edited));
    }
    return all;
  }

  /**
   * For each value of {@code json}: the value removed, its key renamed to "" and to another odd
   * key, the value nested past the parser's depth limit, set to each of the edge values of its
   * kind (a number's: 0, -1, 2^31, 2^63, 1e999, 1.5, a string, null; a list's: empty, negative,
   * dimensions whose product overflows; a string's: empty, a control character, a lone
   * surrogate, other types), and to {@code extra} more of {@link #VALUES} drawn by the seeded
   * random of the slot.
   */
  private static List<Edit> targeted(String json, long seed, int extra) {
    List<Edit> edits = new ArrayList<>();
    int count = slots(parse(json)).size();
    for (int i = 0; i < count; i++) {
      SplittableRandom r = Mutator.random(seed, i);
      List<String> values = new ArrayList<>(List.of(edgeValues(slots(parse(json)).get(i).get())));
      List<String> others = new ArrayList<>(List.of(VALUES));
      others.removeAll(values);
      for (int v = 0; v < extra; v++) {
        values.add(others.remove(r.nextInt(others.size())));
      }
      for (int v = 0; v < values.size() + 4; v++) {
        Object root = parse(json);
        Slot s = slots(root).get(i);
        StringBuilder how = new StringBuilder();
        if (v == 0) {
          remove(s, how);
        } else if (v == 1 || v == 2) { // the empty key, then another odd one
          if (!(s.container() instanceof Obj)) {
            continue;
          }
          rename(s, v == 1 ? "" : ODD_KEYS[1 + r.nextInt(ODD_KEYS.length - 1)], how);
        } else if (v == 3) {
          nest(s, JsonReader.MAX_DEPTH + 1, r.nextBoolean(), how);
        } else {
          set(s, values.get(v - 4), how);
        }
        edits.add(new Edit(how.toString(), write(root)));
      }
    }
    return edits;
  }

  private static String[] edgeValues(Object value) {
    if (value instanceof Obj) {
      return OBJECT_EDGES;
    }
    if (value instanceof List) {
      return LIST_EDGES;
    }
    return ((Raw) value).text().startsWith("\"") ? TEXT_EDGES : NUMBER_EDGES;
  }

  private static Object parse(String json) {
    try {
      return toTree(new JsonReader(json).parse());
    } catch (JsonReader.ParseException e) {
      throw new IllegalArgumentException("the JSON to mutate must be valid: " + e.getMessage(), e);
    }
  }

  private static List<Slot> slots(Object root) {
    List<Slot> all = new ArrayList<>();
    slots(root, "$", all);
    return all;
  }

  private static void editTree(Object[] root, SplittableRandom r, StringBuilder how) {
    List<Slot> all = slots(root[0]);
    if (all.isEmpty() || r.nextInt(40) == 0) {
      String v = VALUES[r.nextInt(VALUES.length)];
      how.append("replace the whole document by ").append(shorten(v));
      root[0] = new Raw(v);
      return;
    }
    Slot s = all.get(r.nextInt(all.size()));
    switch (r.nextInt(9)) {
      case 0, 1, 2 -> set(s, VALUES[r.nextInt(VALUES.length)], how);
      case 3 -> remove(s, how);
      case 4 -> repeat(s, r, how);
      case 5 -> nest(s, DEPTHS[r.nextInt(DEPTHS.length)], r.nextBoolean(), how);
      case 6 -> {
        Slot other = all.get(r.nextInt(all.size()));
        how.append("copy ").append(other.path()).append(" to ").append(s.path());
        s.set(new Raw(write(other.get())));
      }
      case 7 -> {
        if (s.container() instanceof Obj) {
          rename(s, ODD_KEYS[r.nextInt(ODD_KEYS.length)], how);
        } else {
          remove(s, how);
        }
      }
      default -> changeType(s, how);
    }
  }

  private static void set(Slot s, String value, StringBuilder how) {
    how.append("set ").append(s.path()).append(" to ").append(shorten(value));
    s.set(new Raw(value));
  }

  @SuppressWarnings("unchecked")
  private static void remove(Slot s, StringBuilder how) {
    how.append("remove ").append(s.path());
    if (s.container() instanceof Obj o) {
      o.keys.remove(s.index());
      o.values.remove(s.index());
    } else {
      ((List<Object>) s.container()).remove(s.index());
    }
  }

  @SuppressWarnings("unchecked")
  private static void repeat(Slot s, SplittableRandom r, StringBuilder how) {
    if (s.container() instanceof Obj o) {
      boolean again = r.nextBoolean();
      how.append(again ? "repeat the key of " : "add the key \"extra\" beside ")
          .append(s.path());
      int where = r.nextInt(o.keys.size() + 1);
      o.keys.add(where, again ? o.keys.get(s.index()) : "extra");
      o.values.add(where, again ? new Raw(write(s.get())) : new Raw("1"));
    } else {
      how.append("repeat ").append(s.path());
      ((List<Object>) s.container()).add(s.index(), new Raw(write(s.get())));
    }
  }

  private static void rename(Slot s, String key, StringBuilder how) {
    how.append("rename ").append(s.path()).append(" to ").append(shorten(JsonWriter.quote(key)));
    ((Obj) s.container()).keys.set(s.index(), key);
  }

  private static void nest(Slot s, int depth, boolean lists, StringBuilder how) {
    how.append("nest ").append(s.path()).append(' ').append(depth).append(" deep in ")
        .append(lists ? "lists" : "objects");
    String inner = write(s.get());
    s.set(new Raw(lists ? "[".repeat(depth) + inner + "]".repeat(depth)
        : "{\"a\":".repeat(depth) + inner + "}".repeat(depth)));
  }

  private static void changeType(Slot s, StringBuilder how) {
    Object v = s.get();
    String changed = v instanceof Raw raw && raw.text().startsWith("\"")
        ? raw.text().substring(1, raw.text().length() - 1) // the string's text as a bare word
        : JsonWriter.quote(write(v)); // the value as a string
    how.append("change the type of ").append(s.path()).append(" to ").append(shorten(changed));
    s.set(new Raw(changed));
  }

  private static String editText(String text, SplittableRandom r, StringBuilder how) {
    if (text.isEmpty()) {
      how.append("nothing to cut");
      return text;
    }
    int at = r.nextInt(text.length());
    switch (r.nextInt(4)) {
      case 0:
        how.append("cut the text at character ").append(at);
        return text.substring(0, at);
      case 1: {
        int quote = text.indexOf('"', at);
        if (quote < 0) {
          quote = text.indexOf('"');
        }
        if (quote < 0) {
          how.append("no string to unterminate");
          return text;
        }
        how.append("unterminate the string at character ").append(quote);
        return text.substring(0, quote + 1) + (r.nextBoolean() ? ""
            : text.substring(quote + 1).replaceFirst("\"", ""));
      }
      case 2:
        how.append("delete character ").append(at);
        return text.substring(0, at) + text.substring(at + 1);
      default: {
        char c = STRAY.charAt(r.nextInt(STRAY.length()));
        how.append(String.format("insert U+%04X at character %d", (int) c, at));
        return text.substring(0, at) + c + text.substring(at);
      }
    }
  }

  private static String shorten(String v) {
    return v.length() <= 40 ? v : v.substring(0, 30) + "... (" + v.length() + " characters)";
  }
}
