package org.somafractal.memory.store.sqlite;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Vectors;

/** Column encodings of the SQLite store: little-endian blobs, JSON text, and range bounds. Stateless. */
final class SqliteCodec {
  /**
   * The extent of the R*Tree that indexed coordinates before schema version 6: the {@code axis0} of a row migrated
   * from it is its first coordinate clamped into this extent and rounded down to a float.
   */
  static final double BOX_LIMIT = 3.0e38;

  private SqliteCodec() {
  }

  static byte[] coordinate(Coordinate c) {
    ByteBuffer buf = ByteBuffer.allocate(c.dimensions() * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < c.dimensions(); i++) {
      buf.putDouble(c.get(i));
    }
    return buf.array();
  }

  static Coordinate coordinate(byte[] blob) {
    ByteBuffer buf = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[blob.length / Double.BYTES];
    for (int i = 0; i < values.length; i++) {
      values[i] = buf.getDouble();
    }
    return Coordinate.of(values);
  }

  static byte[] vector(float[] v) {
    return Vectors.toBytes(v);
  }

  static float[] vector(byte[] blob) {
    return Vectors.fromBytes(blob);
  }

  /**
   * The lowest {@code axis0} of a row whose first coordinate is at least {@code min}. A row written since schema
   * version 6 has its coordinate there, {@code min} or above; a row migrated from the R*Tree has its coordinate clamped
   * into the R*Tree's extent and rounded down to a float, which is at least {@code min} rounded the same way (both
   * steps are monotone). The bound is the lower of the two.
   */
  static double axis0LowerBound(double min) {
    return Math.min(min, floatDown(clamp(min)));
  }

  /** The highest {@code axis0} of a row whose first coordinate is at most {@code max}; see {@link #axis0LowerBound}. */
  static double axis0UpperBound(double max) {
    return Math.max(max, clamp(max));
  }

  private static double clamp(double v) {
    return Math.max(-BOX_LIMIT, Math.min(BOX_LIMIT, v));
  }

  private static double floatDown(double v) {
    float f = (float) v;
    return f > v ? Math.nextDown(f) : f;
  }

  /** Decodes a row selected with {@code SqliteQueries.COLUMNS}, whose first column is the rowid. */
  static Memory memory(ResultSet rs) throws SQLException {
    return new Memory(
        rs.getString(2),
        rs.getString(3),
        coordinate(rs.getBytes(4)),
        new JsonObject(rs.getString(5)),
        MemoryType.ofCode(rs.getInt(6)),
        rs.getDouble(7),
        new JsonObject(rs.getString(8)),
        rs.getString(9),
        vector(rs.getBytes(10)),
        rs.getString(11),
        rs.getLong(12),
        rs.getLong(13),
        rs.getLong(14),
        rs.getLong(15),
        rs.getLong(16));
  }
}
