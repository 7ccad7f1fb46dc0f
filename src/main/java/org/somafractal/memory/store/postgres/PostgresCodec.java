package org.somafractal.memory.store.postgres;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.Vectors;

/**
 * Column encodings of the PostgreSQL store: the coordinate as {@code float8[]} plus its box as a {@code cube}, the
 * embedding as little-endian {@code bytea} (the bytes SQLite stores), payload and metadata as {@code jsonb}. Stateless.
 */
final class PostgresCodec {
  /** The number of coordinate axes the GiST box index holds (later axes are checked row by row). */
  static final int BOX_AXES = 5;

  /**
   * The extent of the indexed value space. An axis a point lacks is stored as this whole interval, so it overlaps any
   * query interval (the range compares only the axes all have); stored values and query bounds are clamped into it,
   * which is monotone and so keeps every true match a candidate. It is far below 1e300 on purpose: the cube GiST
   * support multiplies the extents of all axes to price an insertion, and (2e60)^5 still fits a double where larger
   * padding overflows to infinity and turns those prices into NaN, which would degrade the index to arbitrary order.
   */
  static final double BOX_LIMIT = 1.0e60;

  private PostgresCodec() {
  }

  static Double[] coordinate(Coordinate c) {
    Double[] values = new Double[c.dimensions()];
    for (int i = 0; i < values.length; i++) {
      values[i] = c.get(i);
    }
    return values;
  }

  static Coordinate coordinate(Double[] values) {
    double[] v = new double[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i];
    }
    return Coordinate.of(v);
  }

  static Buffer vector(float[] v) {
    return v == null ? null : Buffer.buffer(Vectors.toBytes(v));
  }

  static float[] vector(Buffer blob) {
    return blob == null ? null : Vectors.fromBytes(blob.getBytes());
  }

  /** The lower corner of a point's cube: its value on each indexed axis it has, the lower limit elsewhere. */
  static Double[] pointLower(Coordinate c) {
    return point(c, -BOX_LIMIT);
  }

  /** The upper corner of a point's cube. */
  static Double[] pointUpper(Coordinate c) {
    return point(c, BOX_LIMIT);
  }

  private static Double[] point(Coordinate c, double missing) {
    Double[] corner = new Double[BOX_AXES];
    for (int i = 0; i < BOX_AXES; i++) {
      corner[i] = i < c.dimensions() ? clamp(c.get(i)) : missing;
    }
    return corner;
  }

  /**
   * The lower corner of a query box. An axis beyond the shorter of {@code min} and {@code max} is unbounded, so only
   * the axes all three have constrain the candidates, as {@link Coordinate#within} compares them.
   */
  static Double[] queryLower(Coordinate min, Coordinate max) {
    return query(min, Math.min(min.dimensions(), max.dimensions()), -BOX_LIMIT);
  }

  /** The upper corner of a query box. */
  static Double[] queryUpper(Coordinate min, Coordinate max) {
    return query(max, Math.min(min.dimensions(), max.dimensions()), BOX_LIMIT);
  }

  private static Double[] query(Coordinate bound, int dims, double unbounded) {
    Double[] corner = new Double[BOX_AXES];
    for (int i = 0; i < BOX_AXES; i++) {
      corner[i] = i < dims ? clamp(bound.get(i)) : unbounded;
    }
    return corner;
  }

  /** Whether no point can lie in the box: min above max on an axis both have. cube would silently swap them. */
  static boolean emptyBox(Coordinate min, Coordinate max) {
    int dims = Math.min(min.dimensions(), max.dimensions());
    for (int i = 0; i < dims; i++) {
      if (min.get(i) > max.get(i)) {
        return true;
      }
    }
    return false;
  }

  private static double clamp(double v) {
    return Math.max(-BOX_LIMIT, Math.min(BOX_LIMIT, v));
  }

  /** Decodes a row selected with {@code PostgresQueries.COLUMNS}, whose first column is the scan position. */
  static Memory memory(Row row) {
    return new Memory(
        row.getUUID(1).toString(),
        row.getString(2),
        coordinate(row.getArrayOfDoubles(3)),
        row.getJsonObject(4),
        MemoryType.ofCode(row.getShort(5)),
        row.getDouble(6),
        row.getJsonObject(7),
        row.getString(8),
        vector(row.getBuffer(9)),
        row.getString(10),
        row.getLong(11),
        row.getLong(12),
        row.getLong(13),
        row.getLong(14),
        row.getLong(15));
  }

  /** A JSON object for a jsonb parameter; never {@code null}, as the columns are NOT NULL. */
  static JsonObject json(JsonObject value) {
    return value == null ? new JsonObject() : value;
  }
}
