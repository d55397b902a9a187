package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The non-tensor arguments of an op call (an axis, a slope, a flag), immutable.
 *
 * <pre>{@code
 * Attrs a = Attrs.of("axis", 1, "keepDims", true);
 * a.getInt("axis");               // 1
 * a.getDouble("alpha", 0.01);     // 0.01, the default
 * }</pre>
 */
public final class Attrs {
  private static final Attrs EMPTY = new Attrs(new String[0], new Object[0]);

  // A few entries, looked up by a scan: every op call with attributes builds one, and a hash map
  // cost more to build than its lookups saved (and C2 50 ms a compile of of(), twice)
  private final String[] names;
  private final Object[] values;

  private Attrs(String[] names, Object[] values) {
    this.names = names;
    this.values = values;
  }

  /** No attributes, for ops that take none. */
  public static Attrs empty() {
    return EMPTY;
  }

  /** Attributes from alternating names and values: {@code of("axis", 1, "keepDims", true)}. */
  public static Attrs of(Object... namesAndValues) {
    checkArgument(namesAndValues.length % 2 == 0,
        "Attrs.of takes name, value pairs; got %s arguments", namesAndValues.length);
    int n = namesAndValues.length / 2;
    String[] names = new String[n];
    Object[] values = new Object[n];
    for (int k = 0; k < n; k++) {
      Object name = namesAndValues[2 * k];
      checkArgument(name instanceof String,
          "attribute name at position %s must be a String, got %s", 2 * k, name);
      Object v = checkNotNull(namesAndValues[2 * k + 1], "attribute '%s' is null", name);
      for (int j = 0; j < k; j++) {
        checkArgument(!names[j].equals(name), "attribute '%s' given twice", name);
      }
      names[k] = (String) name;
      values[k] = v instanceof int[] ? ((int[]) v).clone() : v;
    }
    return new Attrs(names, values);
  }

  /** How many attributes were given; with {@link #name}, a walk that builds no map. */
  int size() {
    return names.length;
  }

  /** The name of attribute {@code k}, in the order given. */
  String name(int k) {
    return names[k];
  }

  /** Whether an attribute of this name was given. */
  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  private int indexOf(String name) {
    for (int k = 0; k < names.length; k++) {
      if (names[k].equals(name)) {
        return k;
      }
    }
    return -1;
  }

  private Object get(String name) {
    int k = indexOf(name);
    return k < 0 ? null : values[k];
  }

  /**
   * Every attribute by name, unmodifiable (int arrays are the stored copies: do not change them).
   */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int k = 0; k < names.length; k++) {
      map.put(names[k], values[k]);
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * A number attribute as a double; missing or not a number is an IllegalArgumentException naming
   * it.
   */
  public double getDouble(String name) {
    return number(name).doubleValue();
  }

  /** A number attribute as a double, or {@code defaultValue} when it was not given. */
  public double getDouble(String name, double defaultValue) {
    return has(name) ? getDouble(name) : defaultValue;
  }

  /**
   * A number attribute as an int (a fraction is truncated); missing or not a number is an
   * IllegalArgumentException naming it.
   */
  public int getInt(String name) {
    return number(name).intValue();
  }

  /** A number attribute as an int, or {@code defaultValue} when it was not given. */
  public int getInt(String name, int defaultValue) {
    return has(name) ? getInt(name) : defaultValue;
  }

  /** A whole number up to 64 bits (an Integer or a Long); fails for a fraction. */
  public long getLong(String name) {
    Number n = number(name);
    if (!(n instanceof Long || n instanceof Integer)) {
      throw wrongType(name, "a long", n);
    }
    return n.longValue();
  }

  /**
   * A boolean attribute, or {@code defaultValue} when it was not given; any other type is an
   * IllegalArgumentException.
   */
  public boolean getBoolean(String name, boolean defaultValue) {
    if (!has(name)) {
      return defaultValue;
    }
    Object v = get(name);
    if (!(v instanceof Boolean)) {
      throw wrongType(name, "a boolean", v);
    }
    return (Boolean) v;
  }

  /** A String attribute; missing or another type is an IllegalArgumentException naming it. */
  public String getString(String name) {
    Object v = require(name);
    if (!(v instanceof String)) {
      throw wrongType(name, "a String", v);
    }
    return (String) v;
  }

  /**
   * An int[] attribute, copied; missing or another type is an IllegalArgumentException naming it.
   */
  public int[] getInts(String name) {
    Object v = require(name);
    if (!(v instanceof int[])) {
      throw wrongType(name, "an int[]", v);
    }
    return ((int[]) v).clone();
  }

  private Number number(String name) {
    Object v = require(name);
    if (!(v instanceof Number)) {
      throw wrongType(name, "a number", v);
    }
    return (Number) v;
  }

  /**
   * The error for an attribute of another type than its reader's, built only when thrown:
   * checkArgument's arguments described the value on every read (matmul's flags, a sum's axes,
   * in every op call of a training step).
   */
  private static IllegalArgumentException wrongType(String name, String expected, Object v) {
    return new IllegalArgumentException("attribute '" + name + "' must be " + expected
        + ", got " + described(v));
  }

  /**
   * A value with its type: a String "1.0" printed bare reads as the number its caller meant to
   * pass ("must be a number, got 1.0").
   */
  private static String described(Object v) {
    return v instanceof String text ? "the String \"" + text + "\""
        : "the " + v.getClass().getSimpleName() + " "
            + (v instanceof int[] ints ? Arrays.toString(ints) : v);
  }

  private Object require(String name) {
    Object v = get(name);
    if (v == null) { // not checkArgument: its arguments would list the names on every lookup
      throw new IllegalArgumentException("missing attribute '" + name + "'; attributes given: "
          + Arrays.toString(names));
    }
    return v;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int k = 0; k < names.length; k++) {
      Object v = values[k];
      sb.append(k > 0 ? ", " : "").append(names[k]).append('=')
          .append(v instanceof int[] ? Arrays.toString((int[]) v) : v);
    }
    return sb.append('}').toString();
  }
}
