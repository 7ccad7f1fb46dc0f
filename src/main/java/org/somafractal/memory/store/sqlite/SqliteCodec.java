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

/** Column encodings of the SQLite store: little-endian blobs, JSON text, and the R*Tree's float bounds. Stateless. */
final class SqliteCodec {
  /**
   * The extent of the R*Tree's value space. An axis a point lacks is stored as this whole interval so any bound
   * matches it; stored values and query bounds are clamped into it, which keeps every true match a candidate.
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
   * The R*Tree bounds of a point: for each indexed axis, {@code min} then {@code max}. R*Tree keeps 32-bit floats, so
   * each bound is rounded outward; the exact comparison happens in Java on the candidates.
   */
  static double[] pointBounds(Coordinate c) {
    double[] bounds = new double[SqliteQueries.BOX_AXES * 2];
    for (int i = 0; i < SqliteQueries.BOX_AXES; i++) {
      if (i < c.dimensions()) {
        double v = clamp(c.get(i));
        bounds[2 * i] = floatDown(v);
        bounds[2 * i + 1] = floatUp(v);
      } else {
        bounds[2 * i] = floatDown(-BOX_LIMIT);
        bounds[2 * i + 1] = floatUp(BOX_LIMIT);
      }
    }
    return bounds;
  }

  /**
   * The parameters of a box query: for each indexed axis, the box's max then min (the R*Tree overlap test compares a
   * stored min with the query max first). An axis the box lacks is unbounded.
   */
  static double[] queryBounds(Coordinate min, Coordinate max) {
    int dims = Math.min(min.dimensions(), max.dimensions());
    double[] params = new double[SqliteQueries.BOX_AXES * 2];
    for (int i = 0; i < SqliteQueries.BOX_AXES; i++) {
      params[2 * i] = i < dims ? clamp(max.get(i)) : Double.MAX_VALUE;
      params[2 * i + 1] = i < dims ? clamp(min.get(i)) : -Double.MAX_VALUE;
    }
    return params;
  }

  private static double clamp(double v) {
    return Math.max(-BOX_LIMIT, Math.min(BOX_LIMIT, v));
  }

  private static double floatDown(double v) {
    float f = (float) v;
    return f > v ? Math.nextDown(f) : f;
  }

  private static double floatUp(double v) {
    float f = (float) v;
    return f < v ? Math.nextUp(f) : f;
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
