package org.somafractal.memory.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address of a memory: a tuple of finite doubles of any length from 1 to {@link #MAX_DIMENSIONS}. It is an
 * identifier and a space for box queries, not an embedding.
 *
 * <p>Every spelling of the same numbers resolves to the same canonical {@link #key()} ({@code "1,2"},
 * {@code " 1.0 , 2e0"} and {@code "1.00,2"} are all {@code "1.0,2.0"}); the key spells each number as Python's
 * {@code repr(float)} does, which is what the seed's clients see and send back. Negative zero is folded into zero so
 * that it cannot name a second memory.
 */
public final class Coordinate {
  /** The largest number of axes a coordinate may have. */
  public static final int MAX_DIMENSIONS = 64;

  private static final int MAX_TEXT_LENGTH = 4096;
  private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private final double[] values;
  private final String key;

  private Coordinate(double[] values) {
    this.values = values;
    this.key = format(values);
  }

  /**
   * Builds a coordinate from numbers.
   *
   * @throws SomaException of kind MALFORMED when empty, too long, or holding NaN or an infinity
   */
  public static Coordinate of(double... values) {
    if (values == null || values.length == 0) {
      throw SomaException.malformed("Coordinate cannot be empty");
    }
    if (values.length > MAX_DIMENSIONS) {
      throw SomaException.malformed("Coordinate has " + values.length + " axes; at most " + MAX_DIMENSIONS + " are allowed");
    }
    double[] copy = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        throw SomaException.malformed("Coordinate values must be finite numbers; axis " + i + " is " + v);
      }
      copy[i] = v == 0.0 ? 0.0 : v;
    }
    return new Coordinate(copy);
  }

  /**
   * Parses {@code "x,y,z"}: comma-separated decimal numbers, spaces allowed around each.
   *
   * @throws SomaException of kind MALFORMED for an empty text, an empty part, a non-number, NaN or an infinity
   */
  public static Coordinate parse(String text) {
    if (text == null || text.isBlank()) {
      throw SomaException.malformed("Coordinate cannot be empty");
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      throw SomaException.malformed("Coordinate text is longer than " + MAX_TEXT_LENGTH + " characters");
    }
    String[] parts = text.split(",", -1);
    if (parts.length > MAX_DIMENSIONS) {
      throw SomaException.malformed("Coordinate has " + parts.length + " axes; at most " + MAX_DIMENSIONS + " are allowed");
    }
    double[] values = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (!NUMBER.matcher(part).matches()) {
        throw SomaException.malformed("Invalid coordinate format: '" + shorten(text) + "' (axis " + i + " is not a number)");
      }
      values[i] = Double.parseDouble(part);
    }
    return of(values);
  }

  /** Parses a coordinate given either as text {@code "x,y"} or as a JSON array of numbers. */
  public static Coordinate fromJson(Object value) {
    if (value instanceof String s) {
      return parse(s);
    }
    if (value instanceof io.vertx.core.json.JsonArray array) {
      double[] values = new double[array.size()];
      for (int i = 0; i < values.length; i++) {
        Object item = array.getValue(i);
        if (!(item instanceof Number n)) {
          throw SomaException.malformed("Coordinate array must hold numbers; item " + i + " is " + describe(item));
        }
        values[i] = n.doubleValue();
      }
      return of(values);
    }
    throw SomaException.malformed("coord must be a string like \"1.0,2.0\" or an array of numbers; got " + describe(value));
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    return value.getClass().getSimpleName().replace("Json", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static String shorten(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "…" : text;
  }

  /** The number of axes. */
  public int dimensions() {
    return values.length;
  }

  /** The value on axis {@code i}. */
  public double get(int i) {
    return values[i];
  }

  /** A copy of the values. */
  public double[] toArray() {
    return values.clone();
  }

  /**
   * The keys of this coordinate's sequence neighbours: the same coordinate with its last axis one lower and one higher
   * (turns of one conversation at {@code session,turn}, steps of one episode). Empty when a neighbour would not be a
   * distinct finite number (an axis beyond ±2^53).
   */
  public List<String> sequenceNeighborKeys() {
    // The other axes' spelling is the key's own up to its last comma: only the last number is formatted again.
    int last = values.length - 1;
    String prefix = key.substring(0, key.lastIndexOf(',') + 1);
    List<String> keys = new ArrayList<>(2);
    for (int step = -1; step <= 1; step += 2) {
      double next = values[last] + step;
      if (Double.isFinite(next) && next != values[last]) {
        keys.add(prefix + formatNumber(next == 0.0 ? 0.0 : next));
      }
    }
    return keys;
  }

  /** The canonical key, e.g. {@code "1.0,2.5,-3.0"}. */
  public String key() {
    return key;
  }

  /**
   * Whether this point lies in the inclusive box [{@code min}, {@code max}]. As in the seed, only the axes that all
   * three have are compared; extra axes are ignored.
   */
  public boolean within(Coordinate min, Coordinate max) {
    int n = Math.min(values.length, Math.min(min.values.length, max.values.length));
    for (int i = 0; i < n; i++) {
      if (values[i] < min.values[i] || values[i] > max.values[i]) {
        return false;
      }
    }
    return true;
  }

  /** Formats one number as Python's {@code repr(float)} does, e.g. {@code 1.0}, {@code 1e-05}, {@code 1e+16}. */
  public static String formatNumber(double v) {
    String s = Double.toString(v);
    double abs = Math.abs(v);
    if (abs != 0.0 && (abs < 1e-4 || abs >= 1e16)) {
      int e = s.indexOf('E');
      String mantissa;
      int exponent;
      if (e < 0) {
        BigDecimal bd = new BigDecimal(s).stripTrailingZeros();
        exponent = bd.precision() - bd.scale() - 1;
        mantissa = bd.movePointLeft(exponent).toPlainString();
      } else {
        mantissa = s.substring(0, e);
        exponent = Integer.parseInt(s.substring(e + 1));
      }
      if (mantissa.endsWith(".0")) {
        mantissa = mantissa.substring(0, mantissa.length() - 2);
      }
      String digits = Integer.toString(Math.abs(exponent));
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + (digits.length() < 2 ? "0" + digits : digits);
    }
    if (s.indexOf('E') >= 0) {
      String plain = new BigDecimal(s).stripTrailingZeros().toPlainString();
      return plain.indexOf('.') >= 0 ? plain : plain + ".0";
    }
    return s;
  }

  private static String format(double[] values) {
    StringBuilder sb = new StringBuilder(values.length * 6);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(formatNumber(values[i]));
    }
    return sb.toString();
  }

  /** The values as a JSON array, as the seed's clients expect in responses. */
  public io.vertx.core.json.JsonArray toJson() {
    io.vertx.core.json.JsonArray array = new io.vertx.core.json.JsonArray();
    for (double v : values) {
      array.add(v);
    }
    return array;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Coordinate other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return key;
  }
}
