package org.somafractal.memory.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import org.somafractal.memory.core.SomaException;

/**
 * Typed reads of request fields. A missing field gives the default; a field of the wrong type is a 422 that names the
 * field, never a {@code ClassCastException} that would surface as a 500.
 */
final class JsonFields {
  private JsonFields() {
  }

  static String string(JsonObject o, String field, String def, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw SomaException.invalid(field + " must be a string");
    }
    if (s.length() > maxLength) {
      throw SomaException.invalid(field + " is longer than " + maxLength + " characters");
    }
    return s;
  }

  static int integer(JsonObject o, String field, int def, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || !Double.isFinite(n.doubleValue())) {
      throw SomaException.invalid(field + " must be an integer");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw SomaException.invalid(field + " must be between " + min + " and " + max + "; got " + n);
    }
    return (int) d;
  }

  static double number(JsonObject o, String field, double def, double min, double max) {
    Object v = o.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw SomaException.invalid(field + " must be a finite number");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw SomaException.invalid(field + " must be between " + min + " and " + max + "; got " + n);
    }
    return d;
  }

  static JsonObject object(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw SomaException.invalid(field + " is required and must be a JSON object");
      }
      return null;
    }
    if (!(v instanceof JsonObject j)) {
      throw SomaException.invalid(field + " must be a JSON object");
    }
    return j;
  }

  static JsonArray array(JsonObject o, String field, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw SomaException.invalid(field + " is required and must be a JSON array");
      }
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw SomaException.invalid(field + " must be a JSON array");
    }
    return a;
  }

  /**
   * A vector given as a JSON array of numbers, or as a base64 string of little-endian float32 values (what OpenAI's
   * embeddings API returns with {@code encoding_format: "base64"}): 384 numbers are a third of the bytes and cost next
   * to nothing to decode, where parsing their decimals is most of a bulk store's CPU.
   */
  static float[] vector(JsonObject o, String field, int dimension) {
    if (o.getValue(field) instanceof String encoded) {
      return base64Vector(field, encoded, dimension);
    }
    JsonArray a = array(o, field, false);
    if (a == null) {
      return null;
    }
    if (a.size() != dimension) {
      throw SomaException.invalid(field + " has " + a.size() + " dimensions; this server uses " + dimension);
    }
    float[] v = new float[a.size()];
    // The raw list: JsonArray.getValue wraps each element through a chain of type checks, which cost a tenth of a
    // bulk store's event-loop time for 384 numbers a memory; a number is never wrapped anyway.
    List<?> raw = a.getList();
    for (int i = 0; i < v.length; i++) {
      if (!(raw.get(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
        throw SomaException.invalid(field + "[" + i + "] must be a finite number");
      }
      v[i] = n.floatValue();
    }
    return v;
  }

  /**
   * How many float32 values a base64 vector holds, or -1 when {@code encoded} is not base64 (padded or not, as
   * {@link #vector} accepts it).
   */
  static int base64Floats(String encoded) {
    try {
      return Base64.getDecoder().decode(encoded).length / 4;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static float[] base64Vector(String field, String encoded, int dimension) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw SomaException.invalid(field + " must be a JSON array of numbers or a base64 string of little-endian "
          + "float32 values; it is not valid base64");
    }
    if (bytes.length != 4L * dimension) {
      throw SomaException.invalid(field + " holds " + bytes.length + " bytes of base64; this server uses " + dimension
          + " dimensions, " + 4L * dimension + " bytes of little-endian float32");
    }
    float[] v = new float[dimension];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw SomaException.invalid(field + "[" + i + "] must be a finite number");
      }
    }
    return v;
  }

  /** A time given as epoch milliseconds or as an ISO-8601 instant. */
  static long time(JsonObject o, String field, long def) {
    Object v = o.getValue(field);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Instant.parse(s.trim()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw SomaException.invalid(field + " must be epoch milliseconds or an ISO-8601 instant like 2026-01-31T12:00:00Z");
      }
    }
    throw SomaException.invalid(field + " must be epoch milliseconds or an ISO-8601 instant");
  }
}
