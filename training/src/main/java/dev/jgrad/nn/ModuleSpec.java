package dev.jgrad.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a model description: a module type's name and the hyper-parameters that rebuild
 * the module (sizes, kernel, probability, children), but no weights; those stay in the
 * checkpoint's tensors. As JSON it is one object, {@code {"type":"Linear","in":784,"out":100}};
 * children are nested objects.
 *
 * <pre>{@code
 * ModuleSpec s = ModuleSpec.builder("Conv2d").set("in", 1).set("out", 30)
 *     .set("kernel", new int[] {5, 5}).build();
 * s.positiveInt("out");     // 30
 * s.ints("kernel", 2, 1);   // [5, 5]
 * }</pre>
 *
 * <p>The readers check what they read and fail with a {@link ModelDescriptionException} that
 * names where in the description ({@link #path()}), the type and the field, so that a garbled or
 * hostile description gives one clear line rather than a stack trace.
 */
public final class ModuleSpec {
  /** The JSON key of the type name. */
  public static final String TYPE = "type";

  private final String type;
  private final Map<String, Object> fields; // JSON values: Long, Double, String, Boolean, List, Map
  private final String path;
  // tensor values the whole tree may still allocate, shared by a root and its children; null for
  // no limit. A hostile description could otherwise ask for a layer of billions of weights.
  private final long[] budget;

  private ModuleSpec(String type, Map<String, Object> fields, String path, long[] budget) {
    this.type = type;
    this.fields = fields;
    this.path = path;
    this.budget = budget;
  }

  /** A builder of a node of the module type named {@code type} (non-empty). */
  public static Builder builder(String type) {
    return new Builder(type);
  }

  /** The module type's name, e.g. {@code "Linear"}. */
  public String type() {
    return type;
  }

  /** Where this node is in the description, e.g. {@code root.layers[2]}. */
  public String path() {
    return path;
  }

  /** The fields other than the type, as JSON values. */
  public Map<String, Object> fields() {
    return java.util.Collections.unmodifiableMap(fields);
  }

  /** This node as a JSON object: the type first, then the fields in the order they were set. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(TYPE, type);
    fields.forEach((k, v) -> json.put(k, v instanceof ModuleSpec s ? s.toJson() : toJsonValue(v)));
    return json;
  }

  private static Object toJsonValue(Object v) {
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(item instanceof ModuleSpec s ? s.toJson() : item));
      return out;
    }
    return v;
  }

  /** Reads a parsed JSON value as a node at {@code path}; fails unless it is an object with a type. */
  public static ModuleSpec fromJson(Object json, String path) {
    if (!(json instanceof Map<?, ?> map)) {
      throw new ModelDescriptionException(path + ": expected a module object {\"type\": ...}, got "
          + describe(json));
    }
    Object type = map.get(TYPE);
    if (!(type instanceof String name) || name.isEmpty()) {
      throw new ModelDescriptionException(path + ": the module has no \"type\" name (found "
          + describe(type) + ")");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (!TYPE.equals(k)) {
        fields.put((String) k, v);
      }
    });
    return new ModuleSpec(name, fields, path, null);
  }

  /**
   * This node, whose tree may allocate at most {@code values} tensor values in all (a loader
   * passes a bound from the values its file holds): each {@link #reserve} counts against it.
   */
  public ModuleSpec withValueBudget(long values) {
    checkArgument(values >= 0, "a value budget is >= 0, got %s", values);
    return new ModuleSpec(type, fields, path, new long[] {values});
  }

  /**
   * Counts the {@code values} of the tensors the module about to be built allocates against the
   * tree's budget, before it allocates them; fails when they exceed what the file holds.
   */
  public void reserve(long values) {
    if (budget == null) {
      return;
    }
    if (values > budget[0]) {
      throw error("its tensors need " + values + " values, more than the " + budget[0]
          + " left of what the file allows; the description does not fit the saved tensors");
    }
    budget[0] -= values;
  }

  /** A failure at this node: {@code "root.layers[2] (Conv2d): <problem>"}. */
  public ModelDescriptionException error(String problem) {
    return new ModelDescriptionException(where() + ": " + problem);
  }

  /** {@code root.layers[2] (Conv2d)}. */
  public String where() {
    return path + " (" + type + ")";
  }

  private Object required(String field, String expected) {
    if (!fields.containsKey(field)) {
      throw error("field '" + field + "' is missing; expected " + expected);
    }
    return fields.get(field);
  }

  /** A whole number that fits an int and is at least {@code min}. */
  public int intAtLeast(String field, int min) {
    return checkedInt(field, required(field, "a whole number >= " + min), min, "");
  }

  /** A whole number >= 1. */
  public int positiveInt(String field) {
    return intAtLeast(field, 1);
  }

  private int checkedInt(String field, Object v, int min, String index) {
    if (!(v instanceof Long n)) {
      throw error("field '" + field + "'" + index + " must be a whole number >= " + min + ", got "
          + describe(v));
    }
    if (n < min || n > Integer.MAX_VALUE) {
      throw error("field '" + field + "'" + index + " is " + n + "; it must be a whole number from "
          + min + " to " + Integer.MAX_VALUE);
    }
    return (int) (long) n;
  }

  /** A list of exactly {@code count} whole numbers, each at least {@code min}. */
  public int[] ints(String field, int count, int min) {
    Object v = required(field, count + " whole numbers");
    if (!(v instanceof List<?> list) || list.size() != count) {
      throw error("field '" + field + "' must be a list of " + count + " whole numbers, got "
          + describe(v));
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = checkedInt(field, list.get(i), min, "[" + i + "]");
    }
    return out;
  }

  /** A list of whole numbers, each at least {@code min}, of length 1 to {@code maxCount}. */
  public int[] intList(String field, int maxCount, int min) {
    Object v = required(field, "a list of whole numbers");
    if (!(v instanceof List<?> list) || list.isEmpty() || list.size() > maxCount) {
      throw error("field '" + field + "' must be a list of 1 to " + maxCount
          + " whole numbers, got " + describe(v));
    }
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = checkedInt(field, list.get(i), min, "[" + i + "]");
    }
    return out;
  }

  /** A finite number. */
  public double number(String field) {
    Object v = required(field, "a number");
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw error("field '" + field + "' must be a number, got " + describe(v));
    }
    return n.doubleValue();
  }

  /** A 64-bit whole number. */
  public long wholeNumber(String field) {
    Object v = required(field, "a whole number");
    if (!(v instanceof Long n)) {
      throw error("field '" + field + "' must be a whole number, got " + describe(v));
    }
    return n;
  }

  /** A string. */
  public String string(String field) {
    Object v = required(field, "a string");
    if (!(v instanceof String s)) {
      throw error("field '" + field + "' must be a string, got " + describe(v));
    }
    return s;
  }

  /** A list of strings, {@code size} of them. */
  public List<String> strings(String field, int size) {
    Object v = required(field, size + " strings");
    if (!(v instanceof List<?> list) || list.size() != size
        || !list.stream().allMatch(s -> s instanceof String)) {
      throw error("field '" + field + "' must be a list of " + size + " strings, got "
          + describe(v));
    }
    return list.stream().map(String.class::cast).toList();
  }

  /**
   * Named scalars (an op's attributes): whole numbers as Long, other numbers as Double, booleans,
   * strings, and lists of whole numbers as int[].
   */
  public Map<String, Object> attributes(String field) {
    Object v = required(field, "an object of named values");
    if (!(v instanceof Map<?, ?> map)) {
      throw error("field '" + field + "' must be an object of named values, got " + describe(v));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, value) -> {
      if (value instanceof Long || value instanceof Double || value instanceof Boolean
          || value instanceof String) {
        out.put((String) k, value);
      } else if (value instanceof List<?> list && list.stream().allMatch(i -> i instanceof Long)) {
        int[] ints = new int[list.size()];
        for (int i = 0; i < ints.length; i++) {
          ints[i] = checkedInt(field + "." + k, list.get(i), Integer.MIN_VALUE, "[" + i + "]");
        }
        out.put((String) k, ints);
      } else {
        throw error("field '" + field + "." + k + "' must be a number, boolean, string or list of"
            + " whole numbers, got " + describe(value));
      }
    });
    return out;
  }

  /** A non-empty list of child modules, each read at {@code path.field[i]}. */
  public List<ModuleSpec> modules(String field) {
    Object v = required(field, "a list of modules");
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      throw error("field '" + field + "' must be a non-empty list of modules, got " + describe(v));
    }
    List<ModuleSpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      String at = path + "." + field + "[" + i + "]";
      ModuleSpec child = item instanceof ModuleSpec s ? s : fromJson(item, at);
      out.add(new ModuleSpec(child.type, child.fields, at, budget));
    }
    return out;
  }

  /** A short account of a JSON value for messages: its kind, and small values themselves. */
  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List<?> list) {
      return list.size() <= 8 ? "the list " + list : "a list of " + list.size() + " values";
    }
    if (v instanceof String s) {
      return s.length() <= 40 ? "the string \"" + s + "\"" : "a string of " + s.length()
          + " characters";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }

  @Override
  public String toString() {
    return toJson().toString();
  }

  /**
   * Sets the fields of a new node in order; values become JSON values. Each field name once,
   * {@code type} reserved; a {@link ModuleType}'s describer fills it.
   */
  public static final class Builder {
    private final String type;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Builder(String type) {
      checkArgument(type != null && !type.isEmpty(), "a module type needs a non-empty name");
      this.type = type;
    }

    private Builder put(String field, Object value) {
      checkArgument(field != null && !field.equals(TYPE) && !fields.containsKey(field),
          "field '%s' of %s is reserved or already set; use another name", field, type);
      fields.put(field, value);
      return this;
    }

    /** Sets a whole-number field (a size, a count, a seed). */
    public Builder set(String field, long value) {
      return put(field, value);
    }

    /** Sets a real field; it must be finite, as JSON holds no NaN or infinity. */
    public Builder set(String field, double value) {
      checkArgument(Double.isFinite(value), "field '%s' of %s is %s; JSON holds finite numbers",
          field, type, value);
      return put(field, value);
    }

    /** Sets a text field (non-null). */
    public Builder set(String field, String value) {
      return put(field, checkNotNull(value, "field '%s' of %s is null", field, type));
    }

    /** Sets a field of whole numbers, such as a kernel's {@code [height, width]}. */
    public Builder set(String field, int[] values) {
      return put(field, Arrays.stream(values).mapToObj(i -> (Object) (long) i).toList());
    }

    /** Named scalars: numbers, booleans, strings and int[] (an op's attributes). */
    public Builder setAttributes(String field, Map<String, Object> values) {
      Map<String, Object> json = new LinkedHashMap<>();
      values.forEach((k, v) -> {
        if (v instanceof int[] ints) {
          json.put(k, Arrays.stream(ints).mapToObj(i -> (Object) (long) i).toList());
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
          json.put(k, ((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
          // a Float widens exactly and loads as the Double of the same value, which getDouble
          // reads as the Float would have been read: refusing it only failed the save
          double d = ((Number) v).doubleValue();
          checkArgument(Double.isFinite(d), "attribute '%s' of %s is %s; JSON holds finite"
              + " numbers", k, type, d);
          json.put(k, d);
        } else {
          checkArgument(v instanceof Long || v instanceof Boolean || v instanceof String,
              "attribute '%s' of %s is a %s; a description holds numbers, booleans, strings and"
                  + " int[]", k, type, v == null ? "null" : v.getClass().getSimpleName());
          json.put(k, v);
        }
      });
      return put(field, json);
    }

    /** Sets a list of names, such as a named Sequential's child names. */
    public Builder setStrings(String field, List<String> values) {
      return put(field, List.copyOf(values));
    }

    /** Sets the child nodes, in order (a Sequential's layers). */
    public Builder setModules(String field, List<ModuleSpec> children) {
      return put(field, List.copyOf(children));
    }

    /** The node, its fields as set; its place in the description is {@code root}. */
    public ModuleSpec build() {
      return new ModuleSpec(type, new LinkedHashMap<>(fields), "root", null);
    }
  }
}
