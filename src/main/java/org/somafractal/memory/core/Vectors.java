package org.somafractal.memory.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks and normalises vectors that come from clients or models, and spells them as bytes: little-endian float32,
 * the one binary form every store and cache keeps them in.
 */
public final class Vectors {
  private Vectors() {
  }

  /**
   * A unit-length copy of {@code v}.
   *
   * @throws SomaException of kind INVALID for a wrong length, a non-finite value or the zero vector
   */
  public static float[] normalized(float[] v, int dimension, String what) {
    if (v.length != dimension) {
      throw SomaException.invalid(what + " has " + v.length + " dimensions; this server uses " + dimension);
    }
    double sum = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw SomaException.invalid(what + " holds a value that is not a finite number");
      }
      sum += (double) x * x;
    }
    if (sum == 0) {
      throw SomaException.invalid(what + " is the zero vector, which has no direction");
    }
    double inv = 1.0 / Math.sqrt(sum);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * inv);
    }
    return out;
  }

  /** {@code v} as little-endian float32 bytes, or {@code null} for {@code null}. */
  public static byte[] toBytes(float[] v) {
    if (v == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return buf.array();
  }

  /** The vector {@link #toBytes} spelled, or {@code null} for {@code null}. */
  public static float[] fromBytes(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    float[] v = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }
}
