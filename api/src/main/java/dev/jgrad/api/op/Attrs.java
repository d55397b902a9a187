package dev.jgrad.api.op;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
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
  private static final Attrs EMPTY = new Attrs(ImmutableMap.of());

  private final ImmutableMap<String, Object> values;

  private Attrs(ImmutableMap<String, Object> values) {
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
    ImmutableMap.Builder<String, Object> b = ImmutableMap.builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      checkArgument(namesAndValues[i] instanceof String,
          "attribute name at position %s must be a String, got %s", i, namesAndValues[i]);
      Object v = namesAndValues[i + 1];
      b.put((String) namesAndValues[i], v instanceof int[] ? ((int[]) v).clone() : v);
    }
    return new Attrs(b.buildOrThrow());
  }

  /** Whether an attribute of this name was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /**
   * Every attribute by name, unmodifiable (int arrays are the stored copies: do not change them).
   */
  public Map<String, Object> asMap() {
    return values;
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
    checkArgument(n instanceof Long || n instanceof Integer,
        "attribute '%s' must be a long, got %s", name, n);
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
    Object v = values.get(name);
    checkArgument(v instanceof Boolean, "attribute '%s' must be a boolean, got %s", name, v);
    return (Boolean) v;
  }

  /** A String attribute; missing or another type is an IllegalArgumentException naming it. */
  public String getString(String name) {
    Object v = require(name);
    checkArgument(v instanceof String, "attribute '%s' must be a String, got %s", name, v);
    return (String) v;
  }

  /**
   * An int[] attribute, copied; missing or another type is an IllegalArgumentException naming it.
   */
  public int[] getInts(String name) {
    Object v = require(name);
    checkArgument(v instanceof int[], "attribute '%s' must be an int[], got %s", name, v);
    return ((int[]) v).clone();
  }

  private Number number(String name) {
    Object v = require(name);
    checkArgument(v instanceof Number, "attribute '%s' must be a number, got %s", name, v);
    return (Number) v;
  }

  private Object require(String name) {
    Object v = values.get(name);
    checkArgument(v != null, "missing attribute '%s'; attributes given: %s", name, values.keySet());
    return v;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach((k, v) -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(k).append('=').append(v instanceof int[] ? java.util.Arrays.toString((int[]) v) : v);
    });
    return sb.append('}').toString();
  }
}
